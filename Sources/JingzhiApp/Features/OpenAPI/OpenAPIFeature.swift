import JingzhiCore

/// The OpenAPI document of `/api/v1`.
enum OpenAPIFeature: Feature {
    static func routes(_ g: RouteGroups) throws { OpenAPIDocument.register(g.app) }
}

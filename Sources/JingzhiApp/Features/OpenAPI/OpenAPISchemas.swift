import Foundation
import JingzhiCore

extension OpenAPIDocument {
    static func ref(_ name: String) -> [String: Any] {
        if name.hasPrefix("[") { return ["type": "array", "items": ref(String(name.dropFirst().dropLast()))] }
        if name == "string" { return ["type": "string"] }
        return ["$ref": "#/components/schemas/\(name)"]
    }

    static func object(_ props: [String: String], required: [String] = []) -> [String: Any] {
        var out: [String: Any] = ["type": "object", "properties": props.mapValues { t -> [String: Any] in
            switch t {
            case "uuid": ["type": "string", "format": "uuid"]
            case "date-time": ["type": "string", "format": "date-time"]
            case "string?": ["type": "string", "nullable": true]
            case "uuid?": ["type": "string", "format": "uuid", "nullable": true]
            case "date-time?": ["type": "string", "format": "date-time", "nullable": true]
            case "integer?": ["type": "integer", "nullable": true]
            case "number?": ["type": "number", "nullable": true]
            case "[string]": ["type": "array", "items": ["type": "string"]]
            case "string", "integer", "boolean", "number": ["type": t]
            default: ref(t)
            }
        }]
        if !required.isEmpty { out["required"] = required }
        return out
    }

    /// `schema` with `minimum` and `maximum` on the named integer properties: what the server accepts, so clients
    /// and the fuzzer know the bounds.
    static func bounded(_ schema: [String: Any], _ bounds: [String: ClosedRange<Int>]) -> [String: Any] {
        var out = schema
        var props = out["properties"] as? [String: Any] ?? [:]
        for (name, range) in bounds {
            guard var p = props[name] as? [String: Any] else { continue }
            p["minimum"] = range.lowerBound
            p["maximum"] = range.upperBound
            props[name] = p
        }
        out["properties"] = props
        return out
    }

    /// `schema` with the named `$ref` properties made nullable (OpenAPI 3.0 spells it with `allOf`).
    static func nullableRefs(_ schema: [String: Any], _ names: [String]) -> [String: Any] {
        var out = schema
        var props = out["properties"] as? [String: Any] ?? [:]
        for name in names { if let p = props[name] { props[name] = ["nullable": true, "allOf": [p]] as [String: Any] } }
        out["properties"] = props
        return out
    }

    static func paged(_ item: String) -> [String: Any] {
        object(["items": "[\(item)]", "total": "integer", "page": "integer", "per": "integer"], required: ["items", "total", "page", "per"])
    }

    static var schemas: [String: Any] { [
        "Error": object(["error": "ErrorDetail"], required: ["error"]),
        "ErrorDetail": object(["code": "string", "message": "string", "field": "string?"], required: ["code", "message"]),
        "Credentials": object(["username": "string", "password": "string"], required: ["username", "password"]),
        "Token": object(["token": "string", "expiresIn": "integer", "user": "User"], required: ["token"]),
        "Registration": object(["phone": "string", "password": "string", "name": "string", "nodeId": "uuid", "room": "string"],
                               required: ["phone", "password", "name", "nodeId", "room"]),
        "PasswordChange": object(["currentPassword": "string", "newPassword": "string"], required: ["currentPassword", "newPassword"]),
        "User": object(["id": "uuid", "username": "string", "displayName": "string", "role": "string", "nodeId": "uuid?",
                        "phone": "string?", "residentId": "uuid?", "active": "boolean"]),
        "NewUser": object(["username": "string", "password": "string", "role": "string", "nodeId": "uuid?", "displayName": "string?", "phone": "string?", "departmentCode": "string?"],
                          required: ["username", "password", "role"]),
        "UserPatch": object(["displayName": "string?", "phone": "string?", "active": "boolean"]),
        "OrgNode": object(["id": "uuid", "parentId": "uuid?", "kind": "string", "code": "string", "name": "string", "depth": "integer",
                           "address": "string?", "partyOrgName": "string?", "partySecretary": "string?", "partyContact": "string?",
                           "hasBoundary": "boolean", "childCount": "integer"], required: ["id", "kind", "code", "name"]),
        "OrgNodeBody": object(["parentId": "uuid?", "kind": "string", "code": "string", "name": "string", "address": "string?",
                               "partyOrgName": "string?", "partySecretary": "string?", "partyContact": "string?"]),
        "MoveBody": object(["parentId": "uuid"], required: ["parentId"]),
        "GridWorker": object(["id": "uuid", "gridId": "uuid", "userId": "uuid?", "name": "string", "phone": "string", "duty": "string"]),
        "GridWorkerBody": object(["name": "string", "phone": "string", "duty": "string", "userId": "uuid?"], required: ["name", "phone"]),
        "Resident": object(["id": "uuid", "name": "string", "gender": "string", "birthDate": "string?", "age": "integer",
                            "idNumber": "string?", "phone": "string?", "relation": "string", "tags": "[string]", "nodeId": "uuid",
                            "householdId": "uuid", "address": "string?", "note": "string?", "updatedAt": "date-time"],
                           required: ["id", "name", "tags", "nodeId"]),
        "ResidentBody": object(["householdId": "uuid", "name": "string", "gender": "string", "birthDate": "string", "idNumber": "string",
                                "phone": "string", "relation": "string", "tags": "[string]", "note": "string"]),
        "Household": object(["id": "uuid", "nodeId": "uuid", "room": "string", "address": "string", "occupancy": "string?",
                             "members": "[Resident]", "visits": "[Visit]"]),
        "HouseholdBody": object(["nodeId": "uuid", "room": "string", "occupancy": "string?"], required: ["nodeId", "room"]),
        "Visit": object(["id": "uuid", "householdId": "uuid", "visitedOn": "string", "kind": "string", "visitorName": "string", "notes": "string"]),
        "VisitBody": object(["visitedOn": "string", "kind": "string", "notes": "string"], required: ["notes"]),
        "LinkRequest": object(["id": "uuid", "userId": "uuid", "nodeId": "uuid", "room": "string", "name": "string", "status": "string",
                               "residentId": "uuid?", "decisionNote": "string?", "createdAt": "date-time"]),
        "Approval": object(["residentId": "uuid"], required: ["residentId"]),
        "Rejection": object(["note": "string"], required: ["note"]),
        "AuditEntry": object(["id": "uuid", "at": "date-time", "actorId": "uuid?", "actorName": "string", "action": "string",
                              "entity": "string", "entityId": "uuid?", "ip": "string", "summary": "string", "changes": "string?"]),
        "ImportReport": object(["encoding": "string", "rows": "integer", "valid": "integer", "created": "integer", "updated": "integer",
                                "unchanged": "integer", "skipped": "integer", "committed": "boolean", "errors": "[ImportError]"]),
        "ImportError": object(["line": "integer", "field": "string?", "message": "string"]),
        "Health": object(["status": "string"]),
        "CaseCategoryBody": bounded(object(["code": "string", "name": "string", "parentCode": "string?", "defaultLevel": "string", "departmentCode": "string?",
                                    "responseHours": "integer", "resolutionHours": "integer", "workingHours": "boolean", "autoEscalate": "boolean", "active": "boolean"]),
                                    ["responseHours": 1...2160, "resolutionHours": 1...2160]),
        "PhotoRef": object(["id": "uuid", "contentType": "string", "size": "string"]),
        "PagedResidents": paged("Resident"), "PagedHouseholds": paged("Household"), "PagedUsers": paged("User"),
        "PagedLinkRequests": paged("LinkRequest"), "PagedAudit": paged("AuditEntry"), "PagedCases": object(["items": "[Case]", "total": "integer", "page": "integer", "per": "integer", "counts": "CaseQueueCounts"],
                                                                                         required: ["items", "total", "page", "per"]),
        "CaseQueueCounts": object(["to_accept": "integer", "mine": "integer", "to_rate": "integer", "done": "integer"], required: ["to_accept", "mine", "to_rate", "done"]),
        "CaseCategory": object(["code": "string", "name": "string", "parentCode": "string?", "defaultLevel": "string",
                                "responseHours": "integer", "resolutionHours": "integer", "workingHours": "boolean"]),
        "CaseSubmit": object(["categoryCode": "string", "nodeId": "uuid", "description": "string", "latitude": "number", "longitude": "number",
                              "channel": "string", "reporterName": "string?", "reporterPhone": "string?"], required: ["categoryCode", "nodeId", "description"]),
        "CaseAction": object(["version": "integer", "note": "string", "level": "string", "departmentCode": "string", "rating": "string", "mergeInto": "uuid",
                              "handlerNodeId": "uuid", "resolutionDueAt": "string"]),
        "CaseDeadlines": object(["responseDueAt": "date-time", "resolutionDueAt": "date-time"]),
        "Retention": object(["movedAwayMonths": "integer", "updatedAt": "date-time?", "updatedBy": "string?", "lastRunAt": "date-time?",
                             "anonymised": "integer", "due": "integer"], required: ["movedAwayMonths", "anonymised", "due"]),
        "ExportJob": object(["id": "uuid", "status": "string", "rowsDone": "integer", "rowsTotal": "integer", "createdAt": "date-time",
                             "expiresAt": "date-time", "error": "string?", "download": "string?"], required: ["id", "status", "rowsDone", "rowsTotal"]),
        "RetentionBody": object(["movedAwayMonths": "integer"], required: ["movedAwayMonths"]),
        "CaseEvent": object(["at": "date-time", "actorName": "string", "action": "string", "fromState": "string", "toState": "string", "note": "string?"]),
        "Case": object(["id": "uuid", "number": "string", "state": "string", "stateLabel": "string", "categoryCode": "string", "nodeId": "uuid",
                        "description": "string", "channel": "string", "latitude": "number", "longitude": "number", "reporterName": "string?",
                        "reporterPhone": "string?", "handlerLevel": "string", "handlerNodeId": "uuid?", "handlerDepartmentId": "uuid?",
                        "deadlines": "CaseDeadlines", "respondedAt": "date-time", "repliedAt": "date-time", "closedAt": "date-time",
                        "rating": "string?", "ratingComment": "string?", "reopenedCount": "integer", "mergedIntoId": "uuid?",
                        "version": "integer", "createdAt": "date-time", "history": "[CaseEvent]",
                        "deviceSerial": "string?", "householdId": "uuid?"],
                       required: ["id", "number", "state", "categoryCode", "nodeId", "deadlines"]),
    ].merging(caseMeasuresSchemas) { a, _ in a }.merging(patrolSchemas) { a, _ in a }.merging(propertySchemas) { a, _ in a }.merging(commandCentreSchemas) { a, _ in a }.merging(pointsSchemas) { a, _ in a }.merging(activitySchemas) { a, _ in a }.merging(volunteerSchemas) { a, _ in a }
        .merging(deliberationSchemas) { a, _ in a }.merging(deviceSchemas) { a, _ in a }.merging(noticeSchemas) { a, _ in a }
        .merging(partnerSchemas) { a, _ in a }
        .merging(serviceSchemas) { a, _ in a }.merging(placeSchemas) { a, _ in a }
        .merging(canteenSchemas) { a, _ in a }.merging(assessmentSchemas) { a, _ in a }
        .merging(personalDataLogSchemas) { a, _ in a } }

    static func content(_ name: String) -> [String: Any] {
        switch name {
        case "csv": ["text/csv": ["schema": ["type": "string"]]]
        case "csv-or-xlsx": ["text/csv": ["schema": ["type": "string"]],
                             Spreadsheet.mediaType.serialize(): ["schema": ["type": "string", "format": "binary"]]]
        case "geojson": ["application/geo+json": ["schema": ["type": "object"]]]
        case "xlsx": [Spreadsheet.mediaType.serialize(): ["schema": ["type": "string", "format": "binary"]]]
        case "image": ["image/*": ["schema": ["type": "string", "format": "binary"]]]
        case "image-or-pdf": ["image/*": ["schema": ["type": "string", "format": "binary"]], "application/pdf": ["schema": ["type": "string", "format": "binary"]],
                              "multipart/form-data": ["schema": ["type": "object", "properties": ["indicator": ["type": "string"], "score": ["type": "number"], "note": ["type": "string"],
                                                                                                 "files[]": ["type": "array", "items": ["type": "string", "format": "binary"]]]]]]
        default: ["application/json": ["schema": ref(name)]]
        }
    }

    static var document: [String: Any] {
        var paths: [String: [String: Any]] = [:]
        let errorResponse: [String: Any] = ["description": "Error", "content": content("Error")]
        for op in ops {
            var operation: [String: Any] = ["tags": [op.tag], "summary": op.summary,
                                            "operationId": op.method + op.path.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")]
            var params: [[String: Any]] = op.path.split(separator: "/").filter { $0.hasPrefix("{") }.map {
                let name = String($0.dropFirst().dropLast())
                // Ids are UUIDs; codes, actions and months are plain strings.
                let schema: [String: Any] = name == "id" || name.hasSuffix("Id") ? ["type": "string", "format": "uuid"] : ["type": "string"]
                return ["name": name, "in": "path", "required": true, "schema": schema] as [String: Any]
            }
            params += op.query.map { q -> [String: Any] in
                var schema: [String: Any] = ["type": q.1]
                if q.1 == "integer", let r = integerBounds[q.0] { schema["minimum"] = r.lowerBound; schema["maximum"] = r.upperBound }
                return ["name": q.0, "in": "query", "required": false, "schema": schema, "description": q.2]
            }
            if !params.isEmpty { operation["parameters"] = params }
            if let body = op.body { operation["requestBody"] = ["required": true, "content": content(body)] }
            var responses: [String: Any] = ["default": errorResponse]
            responses[String(op.status)] = op.response.map { ["description": "OK", "content": content($0)] } ?? ["description": "No content"]
            if let also = op.alsoStatus { responses[String(also)] = responses[String(op.status)] }
            operation["responses"] = responses
            if op.isPublic { operation["security"] = [] as [Any] }
            paths[op.path, default: [:]][op.method] = operation
        }
        return [
            "openapi": "3.0.3",
            "info": ["title": "Jingzhi 精治 API", "version": "1.0.0",
                     "description": "Community governance: org and grid tree, accounts and scopes, the resident register. Errors are {\"error\": {code, message, field}}."],
            "servers": [["url": "/"]],
            "security": [["bearer": [] as [Any]]],
            "components": ["securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]], "schemas": schemas],
            "paths": paths,
        ]
    }
}

import JingzhiCore
import Vapor

/// Deliberation (议事): residents raise topics, others support them, the community reviews, deliberates and carries
/// out the decisions.
enum DeliberationFeature: Feature {
    static func configure(_ app: Application) {
        app.homeParts.tiles.append(HomeTile(order: 50) { req in (SiteURL.Deliberation.list(query: []).path, req.t("议事厅", "Deliberation"), nil) })
    }

    static func routes(_ g: RouteGroups) throws {
        TopicsAPI.register(g.apiAuthed)
        MeetingsAPI.register(g.apiAuthed)
        MinutesAPI.register(g.apiAuthed)
        ItemsAPI.register(g.apiAuthed)
        EvaluationAPI.register(g.apiAuthed)
        TopicPages.register(web: g.web, staff: g.staff)
    }

    static let navigation: [NavItem] = [
        navLink(45, .participation) { TopicRole($0) == .other ? nil : (SiteURL.Deliberation.list(query: []).path, "议事厅", "Deliberation") },
    ]

    static let pathColumns = [PathColumn(Topic.schema)]

    static let fieldNames: [String: FieldName] = [
        "title": FieldName("议题标题", "Title"), "description": FieldName("议题内容", "What it is about"), "nodeId": FieldName("涉及地点", "Place"),
        "procedure": FieldName("议事规程", "Procedure"), "note": FieldName("说明", "Note"), "mergeInto": FieldName("并入的议题", "Topic to merge into"),
        "categoryCode": FieldName("诉求类别", "Case category"), "stage": FieldName("阶段", "Stage"), "q": FieldName("关键词", "Search"),
        "supportThreshold": FieldName("附议门槛（户）", "Support threshold (households)"),
        "question": FieldName("表决事项", "Question"), "closesAt": FieldName("截止时间", "Closes at"), "quorumPercent": FieldName("参与率", "Quorum"),
        "choice": FieldName("投票选择", "Choice"), "startsAt": FieldName("会议时间", "Meeting time"), "place": FieldName("会议地点", "Place"), "community": FieldName("社区", "Community"),
        "attendees": FieldName("参会人员", "Attendees"), "organisations": FieldName("参会单位", "Organisations"),
        "contributions": FieldName("发言摘要", "Contributions"), "decisions": FieldName("议定事项", "Decisions"),
        "attachments": FieldName("附件", "Attachments"), "publicDays": FieldName("公示天数", "Public days"), "words": FieldName("内容", "Words"),
        "owner": FieldName("责任单位", "Responsible unit"), "rating": FieldName("评价", "Rating"), "comment": FieldName("意见", "Comment"), "deadline": FieldName("完成期限", "Deadline"),
    ]
}

import Fluent
import JingzhiCore
import Vapor

/// Deliberation (议事): residents raise topics, others support them, the community reviews, deliberates and carries
/// out the decisions.
enum DeliberationFeature: Feature {
    /// A case filed from a topic or one of its items names the topic on its page, linked to the topic's public path.
    static func configure(_ app: Application) {
        app.caseOrigins.add { db, caseID, lang in
            guard let link = try await TopicCaseLink.query(on: db).filter(\.$caseID == caseID).first(),
                  let t = try await Topic.find(link.topicID, on: db) else { return nil }
            let item = try await link.itemID.asyncMap { try await ConsultationItem.find($0, on: db) } ?? nil
            return CaseOrigin(label: lang.t("来自议题", "From the topic"), title: item.map { "\(t.title)：\($0.title)" } ?? t.title,
                              href: SiteURL.Deliberation.timeline(t.id!).path)
        }
        TopicOrigins.configure(app)
        app.commandCentre.sections.append { req, node in try await DeliberationCommandCentre.section(req, node: node) }
        app.homeParts.tiles.append(HomeTile(order: 50) { req in (SiteURL.Deliberation.list(query: []).path, req.t("议事厅", "Deliberation"), nil) })
    }

    static func routes(_ g: RouteGroups) throws {
        TopicsAPI.register(g.apiAuthed)
        MeetingsAPI.register(g.apiAuthed)
        MinutesAPI.register(g.apiAuthed)
        ItemsAPI.register(g.apiAuthed)
        EvaluationAPI.register(g.apiAuthed)
        MeetingAttendanceAPI.register(g.apiAuthed)
        TopicPages.register(web: g.web, staff: g.staff)
        TopicPhotos.register(api: g.apiAuthed, staff: g.staff)
        DeliberationMeasuresPages.register(staff: g.staff, api: g.apiAuthed)
    }

    static let navigation: [NavItem] = [
        navLink(45, .participation) { TopicRole($0) == .other ? nil : (SiteURL.Deliberation.list(query: []).path, "议事厅", "Deliberation") },
    ]

    /// Every deliberation table with a node path, so moving a node rewrites them with the topics.
    static let pathColumns = [PathColumn(Topic.schema), PathColumn(Meeting.schema), PathColumn(TopicVote.schema), PathColumn(TopicVote.schema, "community_path"),
                              PathColumn(MeetingMinutes.schema), PathColumn(ConsultationItem.schema), PathColumn(MeetingAttendance.schema)]

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
        "capacity": FieldName("名额", "Seats"), "pointsAccepted": FieldName("受理奖励积分", "Points for an accepted topic"),
        "pointsEvaluation": FieldName("评议奖励积分", "Points for rating"), "pointsVote": FieldName("表决奖励积分", "Points for a ballot"), "month": FieldName("月份", "Month"), "residentId": FieldName("居民", "Resident"), "code": FieldName("签到码", "Check-in code"),
        "photos": FieldName("照片", "Photos"), "origin": FieldName("来源", "Raised from"), "originId": FieldName("来源记录", "Source record"), "photo": FieldName("照片", "Photo"),
    ]
}

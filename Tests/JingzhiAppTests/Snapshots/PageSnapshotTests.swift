import Foundation
import JingzhiCore
import SnapshotTesting
import Testing
@testable import JingzhiApp

/// Key pages drawn from fixed models, in both languages: a change to what they show is a reviewed diff.
@Suite struct PageSnapshotTests {
    static let at = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18, Shanghai
    static let csrf = HTML(raw: "<input type=\"hidden\" name=\"_csrf\" value=\"TOKEN\">")
    static let caseID = UUID(uuidString: "00000000-0000-0000-0000-0000000000c1")!

    /// A case escalated to the street, seen by a community worker who may dispatch, merge and note it.
    static let escalated = CaseDetailModel(
        id: caseID, number: "YT20261118-0007", version: 4, state: .escalated, description: "楼道灯坏了，晚上看不见 <b>",
        category: "设施报修", place: ["谷亭街道", "古亭社区", "第一网格", "幸福家园"], handlerLevel: .street, unit: "谷亭街道",
        responseDueAt: at, responseLate: false, resolutionDueAt: at.addingTimeInterval(5 * 86400), resolutionLate: true,
        reporter: ("王林", "138****5678"), rating: nil, ratingComment: nil,
        photoIDs: [UUID(uuidString: "00000000-0000-0000-0000-0000000000f1")!], mayAddPhotos: true,
        allowed: [.dispatch, .handBack, .note],
        similar: [.init(id: UUID(uuidString: "00000000-0000-0000-0000-0000000000c2")!, number: "YT20261118-0009", description: "同一个楼道的灯")],
        steps: [.init(toState: "submitted", note: nil, actorName: "王林", at: at.addingTimeInterval(-7200)),
                .init(toState: "escalated", note: "需街道协调", actorName: "李社区", at: at.addingTimeInterval(-3600))],
        units: DispatchUnit.Options(choices: [.init(value: "dept:zhujian", label: "职能部门 · 县住建局", level: .department),
                                              .init(value: "node:g1", label: "网格 · 第一网格", level: .grid),
                                              .init(value: "node:c1", label: "社区 · 古亭社区", level: .community)],
                                    preselected: "dept:zhujian"))

    /// A closed case as its resident sees it: no reporter line, the rating, no moves left.
    static let closed = CaseDetailModel(
        id: caseID, number: "YT20261118-0007", version: 9, state: .closed, description: "楼道灯坏了",
        category: "设施报修", place: ["谷亭街道", "古亭社区"], handlerLevel: .community, unit: "古亭社区",
        responseDueAt: at, responseLate: false, resolutionDueAt: at, resolutionLate: false,
        reporter: nil, rating: .basicallySatisfied, ratingComment: "修得挺快", photoIDs: [], mayAddPhotos: false,
        allowed: [], similar: [], steps: [.init(toState: "closed", note: nil, actorName: "王林", at: at)])

    @Test(arguments: [Lang.zh, .en])
    func caseDetailOfAnEscalatedCaseForItsCommunity(_ lang: Lang) {
        let html = CaseDetail.body(Self.escalated, error: nil, lang: lang, csrf: Self.csrf)
        assertSnapshot(of: markupLines(html), as: .lines, named: lang.rawValue)
    }

    @Test(arguments: [Lang.zh, .en])
    func caseDetailOfAClosedCaseForItsResident(_ lang: Lang) {
        let html = CaseDetail.body(Self.closed, error: "诉求已被他人更新，请刷新后再操作", lang: lang, csrf: Self.csrf)
        assertSnapshot(of: markupLines(html), as: .lines, named: lang.rawValue)
    }
}

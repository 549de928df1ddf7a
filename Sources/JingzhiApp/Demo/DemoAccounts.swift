import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Vapor

extension DemoSeeder {
    /// One demo account: who it is, where it sits in the tree, and what it is tied to.
    struct AccountSpec {
        enum Link { case none, gridWorker(gridCode: String), resident, firstCompound(ofCommunity: String), department(code: String) }

        let username: String
        let role: Role
        /// Code of the account's node; nil for the admin and the resident.
        let nodeCode: String?
        let displayName: String
        let nodeName: String
        var link: Link = .none

        var account: DemoAccount {
            DemoAccount(username: username, password: DemoSeeder.password, role: role.rawValue, nodeName: nodeName)
        }
    }

    /// The short list of demo accounts (each costs a password hash, so it stays short).
    static func accountSpecs(_ plan: DemoPlan) -> [AccountSpec] {
        if plan.scale == .city {
            return [AccountSpec(username: "bj_admin", role: .admin, nodeCode: nil, displayName: "宝鸡市管理员", nodeName: "宝鸡市")]
        }
        return [
            AccountSpec(username: "admin", role: .admin, nodeCode: nil, displayName: "县级管理员", nodeName: "鱼台县"),
            AccountSpec(username: "gt_street", role: .streetStaff, nodeCode: "YT-GT", displayName: "谷亭街道 刘洋", nodeName: "谷亭街道"),
            AccountSpec(username: "bh_street", role: .streetStaff, nodeCode: "YT-BH", displayName: "滨湖街道 王静", nodeName: "滨湖街道"),
            AccountSpec(username: "gt01_community", role: .communityStaff, nodeCode: "YT-GT-01", displayName: "古亭社区 张丽",
                        nodeName: "古亭社区"),
            AccountSpec(username: "bh01_community", role: .communityStaff, nodeCode: "YT-BH-01", displayName: "站前社区 陈刚",
                        nodeName: "站前社区"),
            AccountSpec(username: "gt01_grid", role: .gridWorker, nodeCode: "YT-GT-01-G01", displayName: "古亭社区网格员",
                        nodeName: "古亭社区 第一网格", link: .gridWorker(gridCode: "YT-GT-01-G01")),
            AccountSpec(username: "bh01_grid", role: .gridWorker, nodeCode: "YT-BH-01-G01", displayName: "站前社区网格员",
                        nodeName: "站前社区 第一网格", link: .gridWorker(gridCode: "YT-BH-01-G01")),
            AccountSpec(username: "dept_zhujian", role: .departmentStaff, nodeCode: "YT", displayName: "县住建局", nodeName: "鱼台县",
                        link: .department(code: "zhujian")),
            AccountSpec(username: "property_demo", role: .propertyStaff, nodeCode: nil, displayName: "幸福家园物业服务中心",
                        nodeName: "幸福家园", link: .firstCompound(ofCommunity: "YT-GT-01")),
            AccountSpec(username: "partner_demo", role: .partner, nodeCode: "YT-GT-01", displayName: "孝贤大食堂（红色合伙人）",
                        nodeName: "古亭社区"),
            AccountSpec(username: "resident_demo", role: .resident, nodeCode: nil, displayName: "居民", nodeName: "古亭社区 第一网格",
                        link: .resident),
        ]
    }

    /// Creates the demo accounts through `AccountService`, then ties the grid workers' accounts to their
    /// rows on the grid sign (and their visits) and the resident's account to their register entry.
    static func createAccounts(_ app: Application, plan: DemoPlan, landmarks: DemoLandmarks, on tx: any Database,
                               log: @Sendable (String) -> Void) async throws -> [DemoAccount] {
        let service = AccountService(app: app, db: tx)
        var created: [DemoAccount] = []
        for spec in accountSpecs(plan) {
            if try await User.query(on: tx).filter(\.$username == spec.username).first() != nil {
                log("账号 \(spec.username) 已存在，跳过 (account exists, left as it is)")
                continue
            }
            var nodeCode = spec.nodeCode, displayName = spec.displayName, phone: String?
            var department: Department?
            switch spec.link {
            case .none: break
            case .department(let code):
                department = try await Department.query(on: tx).filter(\.$code == code).first()
            case .gridWorker(let gridCode):
                guard let worker = landmarks.firstWorkers[gridCode] else { continue }
                displayName = worker.name
                phone = worker.phone
            case .resident:
                guard let person = landmarks.demoResident else { continue }
                displayName = person.name
                phone = person.phone
            case .firstCompound(let community):
                nodeCode = landmarks.firstCompounds[community]
            }
            var node: OrgNode?
            if let nodeCode {
                node = try await OrgNode.query(on: tx).filter(\.$code == nodeCode).first()
                guard node != nil else { continue }
            }
            let user = try await service.createUser(username: spec.username, password: password, role: spec.role, node: node,
                                                    displayName: displayName, phone: phone, department: department, creator: nil, source: .cli("seed"))
            let userID = try user.requireID()
            switch spec.link {
            case .gridWorker(let gridCode):
                let worker = landmarks.firstWorkers[gridCode]!
                try await tx.sql.update(GridWorker.schema).set("user_id", to: SQLBind(userID))
                    .where("id", .equal, SQLBind(worker.id)).run()
                try await tx.sql.update(Visit.schema).set("visitor_id", to: SQLBind(userID))
                    .where("node_path", .greaterThanOrEqual, SQLBind(worker.gridPath))
                    .where("node_path", .lessThan, SQLBind(worker.gridPath + "~"))
                    .where("visitor_name", .equal, SQLBind(worker.name)).run()
            case .resident:
                user.residentID = landmarks.demoResident?.id
                try await user.save(on: tx)
            default: break
            }
            created.append(spec.account)
        }
        return created
    }
}

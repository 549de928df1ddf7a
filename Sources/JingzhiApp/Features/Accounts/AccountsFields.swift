import JingzhiCore

extension AccountsFeature {
    static let fieldNames: [String: FieldName] = [
        "username": FieldName("用户名", "Username"), "password": FieldName("密码", "Password"), "newPassword": FieldName("新密码", "New password"),
        "currentPassword": FieldName("当前密码", "Current password"), "displayName": FieldName("显示名称", "Display name"),
        "role": FieldName("角色", "Role"), "nodeCode": FieldName("所属节点", "Node"), "residentId": FieldName("居民", "Resident"),
        "department": FieldName("部门", "Department"), "userId": FieldName("账号", "Account"),
    ]
}

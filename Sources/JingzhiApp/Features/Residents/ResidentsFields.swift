import JingzhiCore

extension ResidentsFeature {
    static let fieldNames: [String: FieldName] = [
        "name": FieldName("姓名", "Name"), "idNumber": FieldName("身份证号", "ID number"), "phone": FieldName("电话", "Phone"),
        "gender": FieldName("性别", "Sex"), "birthDate": FieldName("出生日期", "Date of birth"), "relation": FieldName("与户主关系", "Relation"),
        "tags": FieldName("标签", "Tags"), "tag": FieldName("标签", "Tag"), "room": FieldName("门牌号", "Room"),
        "building": FieldName("楼栋", "Building"), "buildingId": FieldName("楼栋", "Building"), "household": FieldName("住户", "Household"),
        "householdId": FieldName("住户", "Household"), "file": FieldName("文件", "File"), "visitedOn": FieldName("走访日期", "Visit date"),
        "notes": FieldName("走访记录", "Notes"), "kind": FieldName("类型", "Kind"),
    ]
}

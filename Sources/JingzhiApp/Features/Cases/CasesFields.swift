import JingzhiCore

extension CasesFeature {
    static let fieldNames: [String: FieldName] = [
        "categoryCode": FieldName("类别", "Category"), "category": FieldName("类别", "Category"),
        "nodeId": FieldName("地点", "Place"), "place": FieldName("地点", "Place"), "description": FieldName("问题描述", "Description"),
        "reporterName": FieldName("反映人姓名", "Reporter's name"), "reporterPhone": FieldName("反映人电话", "Reporter's phone"),
        "level": FieldName("交给的层级", "Level"), "unit": FieldName("交办单位", "Unit"), "departmentCode": FieldName("部门", "Department"),
        "handlerNodeId": FieldName("交办单位", "Unit"), "dueBy": FieldName("办结时限", "Deadline"), "resolutionDueAt": FieldName("办结时限", "Deadline"),
        "note": FieldName("说明", "Note"), "rating": FieldName("评价", "Rating"), "mergeInto": FieldName("合并到的诉求", "Case to merge into"),
        "photos": FieldName("照片", "Photos"), "photo": FieldName("照片", "Photo"), "channel": FieldName("渠道", "Channel"),
        "latitude": FieldName("纬度", "Latitude"), "longitude": FieldName("经度", "Longitude"),
        "responseHours": FieldName("响应时限（小时）", "Response hours"), "defaultLevel": FieldName("默认承办层级", "Default level"),
        "parentCode": FieldName("上级类别", "Parent category"), "code": FieldName("编码", "Code"), "name": FieldName("名称", "Name"),
        "page": FieldName("页码", "Page"), "per": FieldName("每页条数", "Per page"), "from": FieldName("开始日期", "From"), "to": FieldName("结束日期", "To"),
    ]
}

import JingzhiCore

extension PropertyFeature {
    static let fieldNames: [String: FieldName] = [
        "amountYuan": FieldName("金额（元）", "Amount (yuan)"), "amountFen": FieldName("金额", "Amount"), "method": FieldName("支付方式", "Method"),
        "reference": FieldName("转账流水号", "Transfer reference"), "reason": FieldName("理由", "Reason"), "period": FieldName("账期", "Billing month"),
        "month": FieldName("月份", "Month"), "feeItemId": FieldName("收费项目", "Fee item"), "unitFen": FieldName("单价", "Unit price"),
        "basis": FieldName("计费方式", "Basis"), "compoundId": FieldName("小区", "Compound"), "companyId": FieldName("物业企业", "Company"),
        "startDay": FieldName("开始日期", "Start"), "endDay": FieldName("结束日期", "End"), "model": FieldName("服务模式", "Model"),
        "licenceNo": FieldName("统一社会信用代码", "Credit code"), "contactName": FieldName("联系人", "Contact"),
        "contactPhone": FieldName("联系电话", "Contact phone"), "partyBranch": FieldName("党支部", "Party branch"),
        "tier": FieldName("等级", "Tier"), "class": FieldName("类别", "Class"), "title": FieldName("任务", "Task"), "owner": FieldName("责任人", "Owner"),
        "dueDay": FieldName("完成期限", "Deadline"), "stars": FieldName("星级", "Stars"), "comment": FieldName("意见", "Comment"),
        "parkingSpaces": FieldName("车位数", "Parking spaces"),
    ]
}

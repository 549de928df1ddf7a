import JingzhiCore
import Testing
@testable import JingzhiApp

/// Pages say errors in words: a field is named as people call it, never by its code.
@Suite struct FieldWordsTests {
    let names = ["categoryCode": FieldName("类别", "Category"), "idNumber": FieldName("身份证号", "ID number"), "page": FieldName("页码", "Page")]

    @Test func aMissingOrMalformedFieldIsNamedInBothLanguages() {
        #expect(APIError.missing("categoryCode").words(.zh, names: names) == "请填写「类别」")
        #expect(APIError.missing("categoryCode").words(.en, names: names) == "Please fill in Category")
        let wrongType = APIError.invalid("page", "字段 page 类型不正确 (wrong type)")
        #expect(wrongType.words(.zh, names: names) == "「页码」的格式不对，请检查")
        #expect(wrongType.words(.en, names: names) == "Page is not in the right form; please check it")
    }

    @Test func codesQuotedInAMessageBecomeNamesAndUnknownFieldsStayAsTheyAre() {
        let row = APIError.invalid("rows", "第 3 行：[idNumber] 校验位不正确 (row 3: [idNumber] bad check digit)")
        #expect(row.words(.zh, names: names) == "第 3 行：「身份证号」 校验位不正确")
        #expect(row.words(.en, names: names) == "row 3: ID number bad check digit")
        #expect(APIError.missing("zzz").words(.zh, names: names) == "字段 zzz 必填")
    }

    @Test func everyFeaturesNamesReachTheApp() async throws {
        try await withTestApp { app in
            for code in ["categoryCode", "amountYuan", "idNumber", "username", "page"] {
                #expect(app.fieldNames[code] != nil, "\(code) has no name")
            }
        }
    }
}

import Foundation
import JingzhiCore
import Testing
@testable import JingzhiApp

/// The rules for personal data: ID numbers (GB 11643 check digit), phones, dates, and how they are masked.
@Suite struct ValidationTests {
    // Known-good numbers (check digits computed independently with ISO 7064 MOD 11-2).
    static let validIDs = ["370827199001051239", "370827198503124560", "370827200002297893", "11010519491231002X",
                           "37082719950615222X"]

    @Test(arguments: validIDs)
    func validIDNumberIsAccepted(_ id: String) {
        // act
        let result = Validate.idNumber(id)
        // check
        #expect(result == id)
    }

    @Test func idNumberIsTrimmedAndALowercaseXIsUppercased() {
        // setup
        let typed = "  11010519491231002x "
        // act
        let result = Validate.idNumber(typed)
        // check
        #expect(result == "11010519491231002X")
    }

    @Test(arguments: [
        "370827199001051238", // last digit off by one
        "370827199001051230",
        "110105194912310021", // should be X
        "37082719900105123X", // X where a digit belongs
    ])
    func wrongCheckDigitIsRefused(_ id: String) {
        #expect(Validate.idNumber(id) == nil)
    }

    @Test(arguments: ["37082719900105123", "3708271990010512390", "", "37082719900105123A", "3708271990O1051239",
                      "X70827199001051239"])
    func wrongLengthOrCharactersAreRefused(_ id: String) {
        #expect(Validate.idNumber(id) == nil)
    }

    @Test func impossibleBirthDateIsRefusedEvenWithARightCheckDigit() {
        // setup: 1990-02-30 with a correct check digit
        let id = "370827199002301236"
        // act + check
        #expect(Validate.idNumber(id) == nil)
        #expect(Validate.birthDate(fromID: id) == nil)
    }

    @Test func birthDateAndGenderComeFromTheNumber() {
        // setup + act + check
        #expect(Validate.birthDate(fromID: "370827200002297893") == "2000-02-29")
        #expect(Validate.gender(fromID: "370827200002297893") == "男")   // 17th digit 9: odd
        #expect(Validate.gender(fromID: "370827198503124560") == "女")   // 17th digit 6: even
        #expect(Validate.gender(fromID: "11010519491231002X") == "女")
        #expect(Validate.gender(fromID: "123") == nil)
    }

    @Test(arguments: [("13812345678", "13812345678"), ("199 1234 5678", "19912345678"), ("0537-1234567", "0537-1234567"),
                      ("010-12345678", "010-12345678"), ("0537-6212345", "0537-6212345")])
    func goodPhoneNumbersAreAcceptedAndNormalised(_ raw: String, _ expected: String) {
        #expect(Validate.phone(raw) == expected)
    }

    @Test(arguments: ["12812345678", "1381234567", "138123456789", "23812345678", "1381234567a", "0537-123456",
                      "0537-123456789", "537-1234567", "05371-1234567", "0537-12-34567", "+8613812345678", ""])
    func badPhoneNumbersAreRefused(_ raw: String) {
        #expect(Validate.phone(raw) == nil)
    }

    @Test func datesMustBeRealCalendarDaysBetween1900And2100() {
        #expect(Validate.date("2024-02-29") != nil)
        #expect(Validate.date("2023-02-29") == nil)
        #expect(Validate.date("1990-13-01") == nil)
        #expect(Validate.date("1990-04-31") == nil)
        #expect(Validate.date("1899-12-31") == nil)
        #expect(Validate.date("2101-01-01") == nil)
        #expect(Validate.date("90-01-01") == nil)
        #expect(Validate.date("1990/01/01") == nil)
        #expect(Validate.date("") == nil)
    }

    @Test func textIsTrimmedRequiredAndLimited() throws {
        // act + check
        #expect(try Validate.text("  张三 \n", field: "name", max: 30) == "张三")
        #expect(try Validate.text("  ", field: "note", max: 30, required: false) == nil)
        let missing = #expect(throws: APIError.self) { try Validate.text(" ", field: "name", max: 30) }
        #expect(missing?.field == "name")
        #expect(missing?.status == .unprocessableEntity)
        let tooLong = #expect(throws: APIError.self) { try Validate.text(String(repeating: "长", count: 31), field: "name", max: 30) }
        #expect(tooLong?.field == "name")
        #expect(tooLong?.message.contains("30") == true)
    }

    // MARK: Mask

    @Test func idNumberMaskKeepsFourAtEachEnd() {
        #expect(Mask.idNumber("370827199001011234") == "3708**********1234")
        #expect(Mask.idNumber("11010519491231002X") == "1101**********002X")
        #expect(Mask.idNumber(nil) == nil)
        #expect(Mask.idNumber("12345678") == "12345678")
    }

    @Test func mobileMaskHidesTheMiddleFour() {
        #expect(Mask.phone("13812345678") == "138****5678")
        #expect(Mask.phone(nil) == nil)
        #expect(Mask.phone("123456") == "123456")
    }

    @Test
    func landlineMaskKeepsAreaCodeAndLastTwoDigits() {
        // act
        let masked = Mask.phone("0537-6212345")
        // check: documented as "landlines keep area code and last 2 digits"
        #expect(masked == "0537-*****45")
    }

    @Test func nameMaskKeepsTheFamilyName() {
        #expect(Mask.name("张三丰") == "张**")
        #expect(Mask.name("李四") == "李*")
        #expect(Mask.name("王") == "王*")
        #expect(Mask.name("") == "")
    }
}

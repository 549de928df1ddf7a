#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import JingzhiCore
import Testing
@testable import JingzhiApp

/// The CSV files offices exchange: RFC 4180 quoting, Excel's encodings, and cells Excel must not run as formulas.
@Suite struct CSVTests {
    // MARK: parse

    @Test func plainRowsSplitOnCommasWithTheirLineNumbers() {
        // act
        let rows = CSV.parse("a,b,c\n1,2,3\n")
        // check
        #expect(rows.map(\.line) == [1, 2])
        #expect(rows.map(\.fields) == [["a", "b", "c"], ["1", "2", "3"]])
    }

    @Test func quotedFieldsKeepCommasQuotesAndNewlines() {
        // setup
        let text = "姓名,备注\n\"张三\",\"住 3 楼, 东户\"\n\"李四\",\"说 \"\"你好\"\"\n第二行\"\n王五,x\n"
        // act
        let rows = CSV.parse(text)
        // check
        #expect(rows.count == 4)
        #expect(rows[1].fields == ["张三", "住 3 楼, 东户"])
        #expect(rows[2].fields == ["李四", "说 \"你好\"\n第二行"])
        // The record after a two-line record starts on line 5 of the file.
        #expect(rows.map(\.line) == [1, 2, 3, 5])
        #expect(rows[3].fields == ["王五", "x"])
    }

    @Test func crlfAndLoneCRLineEndsWork() {
        // act
        let crlf = CSV.parse("a,b\r\n1,2\r\n3,4\r\n")
        let cr = CSV.parse("a,b\r1,2\r")
        let quotedCRLF = CSV.parse("a,\"x\r\ny\"\r\nb,c\r\n")
        // check
        #expect(crlf.map(\.fields) == [["a", "b"], ["1", "2"], ["3", "4"]])
        #expect(crlf.map(\.line) == [1, 2, 3])
        #expect(cr.map(\.fields) == [["a", "b"], ["1", "2"]])
        #expect(quotedCRLF.map(\.fields) == [["a", "x\r\ny"], ["b", "c"]])
        #expect(quotedCRLF.map(\.line) == [1, 3])
    }

    @Test func blankLinesAreSkippedButCountedAndEmptyCellsKept() {
        // act
        let rows = CSV.parse("a,b\n\n1,\n,2\n\n")
        // check
        #expect(rows.map(\.fields) == [["a", "b"], ["1", ""], ["", "2"]])
        #expect(rows.map(\.line) == [1, 3, 4])
    }

    @Test func lastLineWithoutNewlineIsARow() {
        #expect(CSV.parse("a,b\n1,2").map(\.fields) == [["a", "b"], ["1", "2"]])
        #expect(CSV.parse("").isEmpty)
    }

    // MARK: line

    @Test func lineEndsWithCRLFAndQuotesWhatNeedsQuoting() {
        // act
        let line = CSV.line(["张三", "a,b", "说\"好\"", nil, ""])
        // check
        #expect(line == "张三,\"a,b\",\"说\"\"好\"\"\",,\r\n")
    }

    @Test(arguments: ["=HYPERLINK(\"http://evil\")", "+1+2", "-2+3", "@SUM(A1)"])
    func formulaLikeCellsArePrefixedSoExcelShowsText(_ cell: String) {
        // act
        let line = CSV.line([cell])
        // check: the cell, once unquoted, starts with the apostrophe
        let parsed = CSV.parse(line)
        #expect(parsed.first?.fields == ["'" + cell])
    }

    @Test func longDigitStringsGetALeadingTabSoExcelKeepsThemAsText() {
        // act
        let line = CSV.line(["370827199001051239", "13812345678", "3708**********1239", "0537-6212345", "1234567890"])
        // check
        #expect(line == "\t370827199001051239,\t13812345678,\t3708**********1239,0537-6212345,1234567890\r\n")
    }

    @Test func cellWithCRLFIsQuoted() {
        #expect(CSV.line(["a\r\nb"]) == "\"a\r\nb\"\r\n")
    }

    @Test
    func cellWithBareNewlineIsQuotedSoTheRowStaysOneRecord() {
        // setup: a note typed through the JSON API, with a Unix newline
        let cells = ["张三", "第一行\n第二行", "x"]
        // act
        let line = CSV.line(cells)
        // check
        #expect(line == "张三,\"第一行\n第二行\",x\r\n")
        #expect(CSV.parse(line).map(\.fields) == [cells])
        #expect(CSV.line(["a\rb"]) == "\"a\rb\"\r\n")
    }

    // MARK: decode

    @Test func utf8WithBOMLosesTheBOM() throws {
        // setup
        let data = Data([0xEF, 0xBB, 0xBF]) + Data("姓名,小区\n张三,幸福家园\n".utf8)
        // act
        let (text, encoding) = try CSV.decode(data)
        // check
        #expect(encoding == .utf8)
        #expect(text == "姓名,小区\n张三,幸福家园\n")
        #expect(!text.hasPrefix("\u{FEFF}"))
    }

    @Test func utf8WithoutBOM() throws {
        // act
        let (text, encoding) = try CSV.decode(Data("姓名\n张三\n".utf8))
        // check
        #expect(encoding == .utf8)
        #expect(text == "姓名\n张三\n")
    }

    @Test func gb18030BytesAreRecognisedAndDecoded() throws {
        // setup: 张三 in GB18030 is D5C5 C8FD (hard-coded, independent of iconv)
        let handMade = Data([0xD5, 0xC5, 0xC8, 0xFD, 0x2C, 0x31, 0x0A])
        let converted = gb18030("姓名,小区,备注\n张三,幸福家园,鱼台县谷亭街道€\n")
        // act
        let first = try CSV.decode(handMade)
        let second = try CSV.decode(converted)
        // check
        #expect(first.encoding == .gb18030)
        #expect(first.text == "张三,1\n")
        #expect(second.encoding == .gb18030)
        #expect(second.text == "姓名,小区,备注\n张三,幸福家园,鱼台县谷亭街道€\n")
        #expect(converted.prefix(2) == Data([0xD0, 0xD5])) // 姓
    }

    @Test func bytesThatAreNeitherUTF8NorGB18030AreRefusedWithAMessage() {
        // setup: 0xFF never starts a GB18030 character
        let data = Data([0x61, 0xFF, 0xFF, 0x0A])
        // act
        let error = #expect(throws: APIError.self) { try CSV.decode(data) }
        // check
        #expect(error?.field == "file")
        #expect(error?.message.contains("编码") == true)
    }

    @Test func iconvConvertsFourByteGB18030Characters() throws {
        // setup: U+20000 𠀀 takes four bytes in GB18030
        let bytes = gb18030("𠀀a")
        // act
        let text = CSV.iconv(bytes, from: "GB18030")
        // check
        #expect(bytes.count == 5)
        #expect(text == "𠀀a")
        #expect(CSV.iconv(Data([0xD5]), from: "GB18030") == nil) // truncated character
    }
}

/// UTF-8 text re-encoded as GB18030 with the C library's iconv, as Excel on a Chinese Windows would save it.
func gb18030(_ text: String) -> Data {
    let cd = iconv_open("GB18030", "UTF-8")
    precondition(cd != iconv_t(bitPattern: -1), "iconv has no GB18030")
    defer { iconv_close(cd) }
    var input = Array(text.utf8)
    var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
    var produced = 0
    input.withUnsafeMutableBufferPointer { inBuf in
        output.withUnsafeMutableBufferPointer { outBuf in
            var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
            var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
            var inLeft = inBuf.count, outLeft = outBuf.count
            let result = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            precondition(result != -1 && inLeft == 0, "cannot encode as GB18030")
            produced = outBuf.count - outLeft
        }
    }
    return Data(output[..<produced])
}

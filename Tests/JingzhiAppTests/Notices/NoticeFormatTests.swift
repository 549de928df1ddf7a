import Testing
@testable import JingzhiApp

/// A notice's body: paragraphs, lists and bold come out as markup; everything else typed is shown as typed.
@Suite struct NoticesFormatTests {
    @Test func paragraphsListsAndBold() {
        let html = NoticeFormat.html("各位居民：\n第二行\n\n- 检查**阀门**\n- 关好门窗\n\n1. 先关阀\n2、再开窗").raw
        #expect(html == "<p>各位居民：<br>第二行</p><ul><li>检查<b>阀门</b></li><li>关好门窗</li></ul><ol><li>先关阀</li><li>再开窗</li></ol>")
    }

    @Test func markupTypedIntoTheBodyIsEscaped() {
        let html = NoticeFormat.html("<img src=x onerror=alert(1)> **<b>粗</b>** a**b").raw
        #expect(html == "<p>&lt;img src=x onerror=alert(1)&gt; <b>&lt;b&gt;粗&lt;/b&gt;</b> a**b</p>")
    }

    @Test func plainTextForAMessageDropsTheMarks() {
        #expect(NoticeFormat.plain("明天**停水**\n\n- 请储水") == "明天停水 - 请储水")
    }
}

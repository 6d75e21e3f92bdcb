import { describe, expect, it } from "vitest";
import { MarkupError } from "../../src/send/formatted.js";
import { parseHtml } from "../../src/send/html.js";
import { parseMarkdown } from "../../src/send/markdown.js";
import { readMarkup } from "../../src/send/markup.js";

/** The message of the MarkupError a parse throws. */
function brokenMessage(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(MarkupError);
    return (error as Error).message;
  }
  throw new Error("the markup was accepted");
}

describe("Markdown", () => {
  it("reads bold, italic, strike, spoiler, code, pre with a language, and links", () => {
    const { text, entities } = parseMarkdown("**Sale** of __2__ ~~old~~ ||secret|| `x=1`\n```ts\nlet a;\n```\n[shop](https://example.com/a_b)");
    expect(text).toBe("Sale of 2 old secret x=1\nlet a;\nshop");
    expect(entities).toEqual([
      { type: "bold", offset: 0, length: 4 },
      { type: "italic", offset: 8, length: 1 },
      { type: "strike", offset: 10, length: 3 },
      { type: "spoiler", offset: 14, length: 6 },
      { type: "code", offset: 21, length: 3 },
      { type: "pre", offset: 25, length: 6, language: "ts" },
      { type: "link", offset: 32, length: 4, url: "https://example.com/a_b" },
    ]);
  });

  it("nests formatting, including inside link text", () => {
    const { text, entities } = parseMarkdown("**bold __both__** [**go** now](tg://resolve?domain=x)");
    expect(text).toBe("bold both go now");
    expect(entities).toEqual([
      { type: "bold", offset: 0, length: 9 },
      { type: "italic", offset: 5, length: 4 },
      { type: "link", offset: 10, length: 6, url: "tg://resolve?domain=x" },
      { type: "bold", offset: 10, length: 2 },
    ]);
  });

  it("keeps single delimiters, brackets without a target, and escaped characters as text", () => {
    expect(parseMarkdown("2*3 = 6, a_b, ~x, a|b, [INFO] (ok)")).toEqual({ text: "2*3 = 6, a_b, ~x, a|b, [INFO] (ok)", entities: [] });
    expect(parseMarkdown("\\*\\*not bold\\*\\* \\`tick\\` C:\\path")).toEqual({ text: "**not bold** `tick` C:\\path", entities: [] });
  });

  it("does not read markup inside code", () => {
    expect(parseMarkdown("`**raw**` ```\n__x__\n```")).toEqual({
      text: "**raw** __x__",
      entities: [
        { type: "code", offset: 0, length: 7 },
        { type: "pre", offset: 8, length: 5, language: "" },
      ],
    });
  });

  it("counts offsets in UTF-16 code units, as Telegram does", () => {
    expect(parseMarkdown("😀 **ok**").entities).toEqual([{ type: "bold", offset: 3, length: 2 }]);
  });

  it("names the line and column of broken markup", () => {
    expect(brokenMessage(() => parseMarkdown("fine\nnot **closed"))).toBe(
      "broken Markdown at line 2, column 5: ** is never closed (close it, or write \\*\\* to send it as text)",
    );
    expect(brokenMessage(() => parseMarkdown("**a __b** c__"))).toMatch(
      /^broken Markdown at line 1, column 8: \*\* closes \*\* of line 1, column 1 while __ of line 1, column 5 is still open/,
    );
    expect(brokenMessage(() => parseMarkdown("x `code"))).toMatch(/^broken Markdown at line 1, column 3: ` opens inline code that is never closed/);
    expect(brokenMessage(() => parseMarkdown("```\ncode"))).toMatch(/^broken Markdown at line 1, column 1: ``` opens a code block/);
    expect(brokenMessage(() => parseMarkdown("[shop](https://x"))).toMatch(/^broken Markdown at line 1, column 7: the link target \( is never closed/);
    expect(brokenMessage(() => parseMarkdown("[shop]( )"))).toMatch(/the link target "" is not a URL/);
    expect(brokenMessage(() => parseMarkdown("[**shop](https://x)**"))).toMatch(/the link text ends while \*\* of line 1, column 2 is still open/);
  });
});

describe("HTML", () => {
  it("reads every supported tag and entity", () => {
    const { text, entities } = parseHtml(
      "<b>B</b><strong>S</strong><i>I</i><em>E</em><u>U</u><ins>N</ins><s>S</s><strike>K</strike><del>D</del>" +
        '<tg-spoiler>P</tg-spoiler><span class="tg-spoiler">Q</span><a href="https://x.io/?a=1&amp;b=2">L</a>' +
        '<code>C</code><pre><code class="language-py">R</code></pre><blockquote>T</blockquote> &lt;&gt;&amp;&quot;&#33;&#x41; &nbsp; AT&T',
    );
    expect(text).toBe('BSIEUNSKDPQLCRT <>&"!A &nbsp; AT&T');
    expect(entities.map((entity) => [entity.type, entity.offset, entity.length, entity.url ?? entity.language])).toEqual([
      ["bold", 0, 1, undefined],
      ["bold", 1, 1, undefined],
      ["italic", 2, 1, undefined],
      ["italic", 3, 1, undefined],
      ["underline", 4, 1, undefined],
      ["underline", 5, 1, undefined],
      ["strike", 6, 1, undefined],
      ["strike", 7, 1, undefined],
      ["strike", 8, 1, undefined],
      ["spoiler", 9, 1, undefined],
      ["spoiler", 10, 1, undefined],
      ["link", 11, 1, "https://x.io/?a=1&b=2"],
      ["code", 12, 1, undefined],
      ["pre", 13, 1, "py"],
      ["blockquote", 14, 1, undefined],
    ]);
  });

  it("nests tags and accepts upper case and single quotes", () => {
    expect(parseHtml("<B>bold <I>both</I></B> <a href='tg://user?id=1'>me</a>").entities).toEqual([
      { type: "bold", offset: 0, length: 9, url: undefined, language: undefined },
      { type: "italic", offset: 5, length: 4, url: undefined, language: undefined },
      { type: "link", offset: 10, length: 2, url: "tg://user?id=1", language: undefined },
    ]);
  });

  it("names the line and column of broken markup", () => {
    expect(brokenMessage(() => parseHtml("a\n<b>open"))).toBe("broken HTML at line 2, column 1: <b> is never closed (close it with </b>)");
    expect(brokenMessage(() => parseHtml("<b><i>x</b></i>"))).toBe(
      "broken HTML at line 1, column 8: </b> closes <i> of line 1, column 4 (close tags in reverse order)",
    );
    expect(brokenMessage(() => parseHtml("1 < 2"))).toBe("broken HTML at line 1, column 3: < does not start a tag: write &lt; to send it as text");
    expect(brokenMessage(() => parseHtml("<div>x</div>"))).toMatch(
      /^broken HTML at line 1, column 1: <div> is not a tag Telegram supports \(supported: b, i, u/,
    );
    expect(brokenMessage(() => parseHtml("x</b>"))).toMatch(/<\/b> closes a tag that was never opened/);
    expect(brokenMessage(() => parseHtml("<a>x</a>"))).toMatch(/<a> needs an href/);
    expect(brokenMessage(() => parseHtml('<span class="x">x</span>'))).toMatch(/<span> is only supported as <span class="tg-spoiler">/);
    expect(brokenMessage(() => parseHtml("<code><b>x</b></code>"))).toMatch(/<b> cannot be inside <code>/);
    expect(brokenMessage(() => parseHtml("<b/>"))).toMatch(/<b\/> is empty/);
  });
});

describe("readMarkup", () => {
  it("leaves plain text as is", () => {
    expect(readMarkup("**not** <b>parsed</b>", "plain")).toEqual({ text: "**not** <b>parsed</b>", entities: [] });
    expect(readMarkup("**yes**", "markdown").text).toBe("yes");
    expect(readMarkup("<b>yes</b>", "html").text).toBe("yes");
  });
});

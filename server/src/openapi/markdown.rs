//! The document's descriptions are CommonMark (OpenAPI 3.1 §4.3): the panel's reference
//! shows them rendered, not as backticks. Rendered here, once at start-up, and made safe
//! for the page to insert as is: raw HTML in a description is shown as text, and links
//! and images may only point at web pages or this site.

use pulldown_cmark::{CowStr, Event, Parser, Tag, html};

use app::settings::api_docs::DocHtml;

/// `markdown` as HTML that is safe to insert into the page.
pub fn to_html(markdown: &str) -> DocHtml {
    let events = Parser::new(markdown).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    DocHtml(out.trim_end().to_owned())
}

/// `url` if it leads to a web page, this site or an anchor on the page; else `#`, so a
/// `javascript:` or `data:` link can never run.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    let web = lower.starts_with("https://") || lower.starts_with("http://");
    let here = (lower.starts_with('/') && !lower.starts_with("//")) || lower.starts_with('#');
    if web || here {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(markdown: &str) -> String {
        to_html(markdown).0
    }

    #[test]
    fn renders_code_bold_links_and_paragraphs() {
        assert_eq!(
            html("Send `Authorization: Bearer tg_…`."),
            "<p>Send <code>Authorization: Bearer tg_…</code>.</p>"
        );
        assert_eq!(
            html("**Stored** once."),
            "<p><strong>Stored</strong> once.</p>"
        );
        assert_eq!(
            html("See [RFC 6750](https://www.rfc-editor.org/rfc/rfc6750)."),
            "<p>See <a href=\"https://www.rfc-editor.org/rfc/rfc6750\">RFC 6750</a>.</p>"
        );
        assert_eq!(html("One.\n\nTwo."), "<p>One.</p>\n<p>Two.</p>");
        assert_eq!(html(""), "");
    }

    #[test]
    fn raw_html_is_shown_as_text_and_code_is_escaped() {
        assert_eq!(
            html("a <script>alert(1)</script> b"),
            "<p>a &lt;script&gt;alert(1)&lt;/script&gt; b</p>"
        );
        assert_eq!(html("<div onclick=x>"), "&lt;div onclick=x&gt;");
        assert_eq!(html("`<b>`"), "<p><code>&lt;b&gt;</code></p>");
    }

    #[test]
    fn links_only_lead_to_web_pages_or_this_site() {
        assert_eq!(
            html("[x](javascript:alert(1))"),
            "<p><a href=\"#\">x</a></p>"
        );
        assert_eq!(html("[x](//evil.example)"), "<p><a href=\"#\">x</a></p>");
        assert_eq!(
            html("![x](data:image/png;base64,AA)"),
            "<p><img src=\"#\" alt=\"x\" /></p>"
        );
        assert_eq!(
            html("[docs](/settings/api-docs#errors)"),
            "<p><a href=\"/settings/api-docs#errors\">docs</a></p>"
        );
    }
}

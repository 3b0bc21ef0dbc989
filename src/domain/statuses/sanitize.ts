// HTML from elsewhere (remote posts and bios) goes through this allow-list before it is stored.
// Anything not listed is dropped: tags lose their markup but keep their text, and the content of
// script/style-like elements is dropped entirely.
import sanitize from "sanitize-html";

const LINK_REL = "nofollow noopener noreferrer";

// The microformat and Mastodon display classes that clients rely on; any other class is dropped.
const ALLOWED_CLASSES = ["h-*", "p-*", "u-*", "dt-*", "e-*", "mention", "hashtag", "ellipsis", "invisible"];

const OPTIONS: sanitize.IOptions = {
  allowedTags: ["p", "br", "a", "span", "b", "strong", "i", "em", "u", "s", "del", "code", "pre", "blockquote", "ul", "ol", "li", "sub", "sup"],
  allowedAttributes: {
    a: ["href", "rel", "class", "target"],
    span: ["class", "translate"],
    ol: ["start", "reversed"],
    li: ["value"],
  },
  allowedClasses: { a: ALLOWED_CLASSES, span: ALLOWED_CLASSES },
  allowedSchemes: ["http", "https"],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  nonTextTags: ["script", "style", "textarea", "option", "noscript", "template", "iframe", "object", "embed", "svg", "math", "title", "head"],
  enforceHtmlBoundary: false,
  parseStyleAttributes: false,
  transformTags: {
    a: (tagName, attribs) => {
      // Links leave the site without referrer or opener, whatever the sender asked for; a
      // hashtag keeps rel="tag" so clients can recognise it.
      const isTag = (attribs.rel ?? "").split(/\s+/).includes("tag");
      return { tagName, attribs: { ...attribs, rel: isTag ? `tag ${LINK_REL}` : LINK_REL, target: "_blank" } };
    },
  },
  exclusiveFilter: (frame) => frame.tag === "a" && !frame.attribs.href && !frame.text.trim(),
};

/** Reduces untrusted HTML to the small set of tags and attributes a post may carry. */
export function sanitizeHtml(html: string): string {
  return sanitize(html, OPTIONS);
}

// Mastodon's PreviewCard, from a stored link preview. The stored image is the linked page's own
// image URL; it is given through the media proxy (when on), so an app that shows the card does
// not fetch the image from that site and tell it the reader's address.
import type { PreviewCard } from "../../domain/integrations/link-previews.ts";
import type { ProxyUrl } from "../../domain/media/remote-proxy.ts";

export type MastodonPreviewCard = {
  url: string;
  title: string;
  description: string;
  type: "link";
  author_name: string;
  author_url: string;
  authors: never[];
  provider_name: string;
  provider_url: string;
  html: string;
  width: number;
  height: number;
  image: string | null;
  embed_url: string;
  blurhash: null;
  published_at: null;
};

export function toMastodonPreviewCard(card: PreviewCard, proxy: ProxyUrl = (u) => u): MastodonPreviewCard {
  // Mastodon sends "" for unknown URLs, which its own spec (format: uri) refuses; the page's
  // site stands in for provider and author, and the page itself for embed_url (unused by apps
  // for "link" cards).
  const site = new URL(card.url).origin;
  return {
    url: card.url,
    title: card.title,
    description: card.description,
    type: "link",
    author_name: card.authorName,
    author_url: site,
    authors: [],
    provider_name: card.providerName,
    provider_url: site,
    html: "",
    width: card.width,
    height: card.height,
    image: proxy(card.imageUrl, "i"),
    embed_url: card.url,
    blurhash: null,
    published_at: null,
  };
}

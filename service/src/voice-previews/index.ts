/**
 * Voice previews: a line of text spoken in an ElevenLabs voice, kept for a few minutes behind a signed link the
 * HubSpot card opens in a new tab (cards have no audio element).
 */
export { checkPreviewLink, type LinkCheck, previewLinkKey, previewPath } from './preview-link.js';
export {
  createVoicePreview,
  MAX_LIVE_PREVIEWS_PER_PORTAL,
  openVoicePreview,
  PREVIEW_TTL_MS,
  type PreviewLink,
  type PreviewLookup,
} from './voice-previews.js';

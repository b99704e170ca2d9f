// What a chat message may say: length and blocked words. Mute and rate limits are state, kept in
// Redis by the store; this is the part that needs nothing but the text.

export type ChatRefusal = { code: 'INVALID_ARGUMENT' | 'BLOCKED_WORD'; message: string };

export interface ChatRules {
  maxLength: number;
  blockedWords: readonly string[];
}

// Characters that render as nothing (zero-width space/joiners, word joiner, BOM, soft hyphen) or
// only reorder text (bidi marks, embeddings, overrides and isolates): inserted between letters
// they hide a blocked word from a plain substring match while the viewer still reads it. \p{Cf}
// and Default_Ignorable cover the listed ones and their relatives (variation selectors, Hangul
// fillers, invisible operators).
const INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;

/**
 * The form blocked words are compared in: NFKC (full-width ＡＢＣ, ligatures and compatibility
 * forms become their plain letters), invisible characters and whitespace dropped, case folded.
 * NFKC runs again after folding because lower-casing can produce a composable sequence.
 */
export function foldForMatching(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE, '').replace(/\s+/g, '').toLowerCase().normalize('NFKC');
}

export function parseBlockedWords(list: string): string[] {
  return list
    .split(',')
    .map((w) => foldForMatching(w))
    .filter((w) => w.length > 0);
}

/** The text to publish (as sent, only trimmed), or why it may not be. */
export function checkChatText(rules: ChatRules, raw: string): { ok: true; text: string } | ({ ok: false } & ChatRefusal) {
  const text = raw.trim();
  if (foldForMatching(text).length === 0) return { ok: false, code: 'INVALID_ARGUMENT', message: 'text: must not be empty' };
  // Count code points, not UTF-16 units, so a Chinese or emoji message gets the same allowance.
  if ([...text].length > rules.maxLength) return { ok: false, code: 'INVALID_ARGUMENT', message: `text: at most ${rules.maxLength} characters` };
  // Spaces, case, width and invisible characters do not change a word: "f u c k", "FUCK",
  // "ｆｕｃｋ" and "fu\u200Bck" are all caught like "fuck".
  const folded = foldForMatching(text);
  const hit = rules.blockedWords.find((w) => folded.includes(w));
  if (hit !== undefined) return { ok: false, code: 'BLOCKED_WORD', message: 'the message contains a word that is not allowed here' };
  return { ok: true, text };
}

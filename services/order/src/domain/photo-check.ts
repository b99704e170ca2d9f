// After-sales photos are judged by their bytes (magic numbers, via file-type), never by the name or
// type a client claims: a PDF renamed .jpg, or an HTML page sent as image/png, is refused.
import { fileTypeFromBuffer } from 'file-type';
import { AFTER_SALES_RULES } from '@lc/contracts';
import type { Verdict } from './after-sales.js';

export interface CheckedPhoto {
  contentType: string;
  data: Uint8Array;
}

export async function checkPhotos(photos: Uint8Array[]): Promise<Verdict<CheckedPhoto[]>> {
  const { photoMax, photoMaxBytes, photoTypes } = AFTER_SALES_RULES;
  if (photos.length > photoMax) return { ok: false, code: 'INVALID_ARGUMENT', message: `photos: at most ${photoMax}` };
  const checked: CheckedPhoto[] = [];
  for (const [i, data] of photos.entries()) {
    if (data.length === 0) return { ok: false, code: 'INVALID_ARGUMENT', message: `photos[${i}]: empty` };
    if (data.length > photoMaxBytes) return { ok: false, code: 'INVALID_ARGUMENT', message: `photos[${i}]: ${data.length} bytes, more than ${photoMaxBytes}` };
    const type = await fileTypeFromBuffer(data);
    if (!type || !(photoTypes as readonly string[]).includes(type.mime)) {
      return { ok: false, code: 'INVALID_ARGUMENT', message: `photos[${i}]: not a JPEG, PNG or WebP image (content is ${type?.mime ?? 'unrecognised'})` };
    }
    checked.push({ contentType: type.mime, data });
  }
  return { ok: true, value: checked };
}

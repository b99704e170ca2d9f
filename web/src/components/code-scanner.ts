// Reads a pickup code from a QR code: live from the camera, or from a photo. The browser's own
// BarcodeDetector is used where it exists (Chrome on Android, macOS); elsewhere jsQR decodes the
// frames. Only a 6-digit code is accepted; anything else keeps scanning.
import jsQR from 'jsqr';

interface Detector {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
declare const BarcodeDetector: { new (opts: { formats: string[] }): Detector } | undefined;

const CODE = /^[0-9]{6}$/;

function nativeDetector(): Detector | undefined {
  try {
    return typeof BarcodeDetector === 'function' ? new BarcodeDetector({ formats: ['qr_code'] }) : undefined;
  } catch {
    return undefined;
  }
}

/** The 6-digit code in the image, if one is there. */
export async function decodeCode(source: CanvasImageSource, width: number, height: number): Promise<string | undefined> {
  const native = nativeDetector();
  if (native) {
    try {
      const found = (await native.detect(source)).map((r) => r.rawValue.trim()).find((v) => CODE.test(v));
      if (found) return found;
    } catch {
      // Not supported for this source: jsQR below.
    }
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(source, 0, 0, width, height);
  const value = jsQR(ctx.getImageData(0, 0, width, height).data, width, height)?.data.trim();
  return value && CODE.test(value) ? value : undefined;
}

export async function decodePhoto(file: Blob): Promise<string | undefined> {
  const bitmap = await createImageBitmap(file);
  try {
    return await decodeCode(bitmap, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}

/** Scans camera frames into `video` until a code is read (resolves it) or `stop()` is called. */
export class CameraScanner {
  private stream: MediaStream | undefined;
  private timer: number | undefined;

  constructor(private readonly video: HTMLVideoElement) {}

  async scan(): Promise<string | undefined> {
    this.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    this.video.srcObject = this.stream;
    this.video.muted = true;
    await this.video.play();
    return new Promise((resolve) => {
      const tick = async () => {
        if (!this.stream) return resolve(undefined);
        const { videoWidth: w, videoHeight: h } = this.video;
        const code = w && h ? await decodeCode(this.video, w, h) : undefined;
        if (code) {
          this.stop();
          return resolve(code);
        }
        this.timer = window.setTimeout(() => void tick(), 200);
      };
      void tick();
    });
  }

  stop(): void {
    window.clearTimeout(this.timer);
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = undefined;
    this.video.srcObject = null;
  }
}

// Refusals from the media layer. Codes use the names of @lc/kit's error table so the signalling
// layer can map them without this adapter depending on kit's gRPC machinery.

export type MediaErrorCode = 'NOT_FOUND' | 'INVALID_ARGUMENT' | 'INVALID_STATE' | 'UNAVAILABLE' | 'LIMIT_REACHED';

export class MediaError extends Error {
  constructor(
    readonly code: MediaErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MediaError';
  }
}

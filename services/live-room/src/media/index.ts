// Public API of the live room's SFU layer (a thin adapter over mediasoup).
export { MediaCluster, DEFAULT_ROOM_LIMITS, type MediaClusterOptions, type ClusterStats, type WorkerStats } from './media-cluster.js';
export {
  LiveMediaRoom,
  type LiveMediaRoomEvents,
  type TransportParams,
  type ProducerInfo,
  type ConsumerParams,
  type ConsumerInfo,
  type ViewerPlacement,
  type RouterStats,
  type RoomStats,
  type RoomLimits,
} from './live-media-room.js';
export { mediaCodecs } from './media-codecs.js';
export { MediaError, type MediaErrorCode } from './media-error.js';
export type { MediaLogger } from './media-logger.js';
export { loadMediasoup } from './mediasoup-loader.js';

// Live-room service configuration.
import { z } from 'zod';
import { serviceConfigShape } from '@lc/kit';

export const configShape = serviceConfigShape({ HTTP_PORT: 8081, GRPC_PORT: 50051, DB_SCHEMA: 'live_room' }, {});

export type LiveRoomConfig = z.infer<z.ZodObject<typeof configShape>>;

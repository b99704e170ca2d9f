// socket.io room names, one place so emitters and joiners agree.
export const rooms = {
  session: (sessionId: string) => `session:${sessionId}`,
  sale: (flashSaleId: string) => `sale:${flashSaleId}`,
  user: (userId: string) => `user:${userId}`,
  leader: (leaderId: string) => `leader:${leaderId}`,
};

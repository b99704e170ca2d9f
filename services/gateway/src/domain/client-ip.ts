// The address a request came from, as rate limits count it. Behind `hops` trusted proxies (an
// ingress, a load balancer) the client is the hops-th address from the right of X-Forwarded-For;
// anything further left was written by the client and proves nothing.
export function clientIp(socketIp: string, forwardedFor: string | string[] | undefined, hops: number): string {
  if (hops <= 0 || !forwardedFor) return socketIp;
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return chain[chain.length - hops] ?? chain[0] ?? socketIp;
}

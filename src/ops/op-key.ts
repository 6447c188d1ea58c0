// The one key every per-op table uses (ops registry, quantization, fp16 and gradient rules), so
// tables can be checked against one another: "Conv" in the default domain, "com.microsoft::Gelu"
// elsewhere. "ai.onnx" is another spelling of the default domain.

export function canonicalDomain(domain: string): string {
  return domain === "ai.onnx" ? "" : domain;
}

export function opKey(opType: string, domain = ""): string {
  const d = canonicalDomain(domain);
  return d ? `${d}::${opType}` : opType;
}

export function parseOpKey(key: string): { domain: string; opType: string } {
  const i = key.lastIndexOf("::");
  return i < 0 ? { domain: "", opType: key } : { domain: key.slice(0, i), opType: key.slice(i + 2) };
}

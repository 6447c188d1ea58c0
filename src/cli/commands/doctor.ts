import type { Command } from "commander";
import { cpuInfo, type CpuInfo } from "../../runtime/cpu-info.js";
import { probeInt8Kernels, type ProbeResult } from "../../quant/kernel-probe.js";
import { webRuntime } from "../../runtime/web.js";

const HELP = `
Names the CPU, its int8 features (AVX2, AVX-512, VNNI, AMX; ARM dot product, i8mm), the ONNX
Runtime versions, and the int8 kernel path that applies. Then it runs tiny probe models through
each int8 op quanta emits (MatMulInteger, QLinearMatMul, QLinearConv, depthwise QLinearConv), on
onnxruntime-node and onnxruntime-web, with inputs whose exact integer result is known: an op whose
u8×s8 pair sums saturate here returns about half of it. Where they saturate, only
--target portable (the default) or --weight-type uint8 gives correct int8 models on this machine.`;

export interface DoctorReport {
  cpu: CpuInfo;
  onnxruntime: { node: string; web: string };
  probe: { node: ProbeResult[]; web: ProbeResult[] };
  advice: string;
}

export async function doctor(): Promise<DoctorReport> {
  const [ortNode, ortWeb] = await Promise.all([import("onnxruntime-node"), import("onnxruntime-web")]);
  const node = await probeInt8Kernels();
  const web = await probeInt8Kernels(await webRuntime());
  const saturates = node.some((p) => p.saturates);
  const advice = saturates
    ? "int8 kernels here saturate u8×s8 pair sums: models quantized with --target vnni (full-range s8 weights) are wrong on this CPU; the default --target portable is safe"
    : "int8 kernels here accumulate in int32: --target vnni (full-range weights) is safe on this CPU, --target portable (the default) is safe everywhere";
  return {
    cpu: cpuInfo(),
    onnxruntime: { node: ortNode.env.versions.node ?? ortNode.env.versions.common, web: (ortWeb.env.versions as Record<string, string>).web ?? ortWeb.env.versions.common },
    probe: { node, web },
    advice,
  };
}

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("Show this machine's CPU, its int8 features and kernel path, and probe whether ONNX Runtime's int8 kernels saturate here.")
    .option("--json", "print one JSON object")
    .addHelpText("after", HELP)
    .action(async (o: { json?: boolean }) => {
      const r = await doctor();
      if (o.json) return void process.stdout.write(JSON.stringify(r, null, 2) + "\n");
      const f = Object.entries(r.cpu.features).map(([k, v]) => `${k.toUpperCase()} ${v ? "yes" : "no"}`).join(", ");
      const probe = (ps: ProbeResult[]) => ps.map((p) => `${p.op} ${p.saturates ? `SATURATES (${p.got} for ${p.exact})` : "exact"}`).join(", ");
      process.stdout.write(
        [
          `CPU: ${r.cpu.model} (${r.cpu.arch}, ${r.cpu.logicalCores} logical cores)`,
          `int8 features: ${f || "none detected"}`,
          `int8 path: ${r.cpu.int8Path}`,
          `ONNX Runtime: onnxruntime-node ${r.onnxruntime.node}, onnxruntime-web ${r.onnxruntime.web}`,
          `probe, onnxruntime-node: ${probe(r.probe.node)}`,
          `probe, onnxruntime-web:  ${probe(r.probe.web)}`,
          r.advice,
        ].join("\n") + "\n",
      );
    });
}

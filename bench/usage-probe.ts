/**
 * Preloaded into a measured CLI process (`node --import <this>`): at exit, writes the process's
 * own CPU time and peak RSS to the file named by PUSHFLEET_BENCH_USAGE. Node offers no
 * getrusage(RUSAGE_CHILDREN), so the parent cannot read them itself.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.PUSHFLEET_BENCH_USAGE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(target, JSON.stringify({ cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, peakRssMb: usage.maxRSS / 1024 }));
  });
}

// Preloaded into a benchmarked orrery process (node --import): at exit it appends the process's
// peak resident set size (getrusage ru_maxrss, KiB on Linux) to $ORRERY_BENCH_RSS_FILE.
import { appendFileSync } from 'node:fs';

const file = process.env.ORRERY_BENCH_RSS_FILE;
if (file) process.on('exit', () => appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));

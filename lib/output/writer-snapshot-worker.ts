import { parentPort, workerData } from 'node:worker_threads';
import { packSnapshot, takeSnapshot, type SnapshotRequest } from './writer-snapshot.ts';

// The worker thread of writer-snapshot.ts: takes the snapshot and posts it packed.
const packed = packSnapshot(await takeSnapshot(workerData as SnapshotRequest));
parentPort?.postMessage(packed);

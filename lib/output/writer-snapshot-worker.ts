import { parentPort, workerData } from 'node:worker_threads';
import { takeSnapshot, type SnapshotRequest } from './writer-snapshot.ts';

// The worker thread of writer-snapshot.ts: takes the snapshot and posts it.
parentPort?.postMessage(await takeSnapshot(workerData as SnapshotRequest));

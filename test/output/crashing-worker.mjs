// A worker that dies before it posts anything (test/output/writer-snapshot.test.ts).
throw new Error('this worker crashes on purpose');

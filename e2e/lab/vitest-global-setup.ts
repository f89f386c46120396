// Replaced by the lab helper: brings the lab up (idempotently) before the unit/integration tests.
export default function setup(): void {}

// Drawing a tearsheet means creating about ten charts of thousands of points. Done in one go
// that is a long main-thread task; queued here, each chart is created in its own task, so the
// page stays responsive (no main-thread task over 100 ms) and the first chart shows early.

const queue: (() => void)[] = [];
let scheduled = false;

function pump(): void {
  scheduled = false;
  const task = queue.shift();
  if (!task) return;
  try {
    task();
  } finally {
    if (queue.length) schedule();
  }
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setTimeout(pump, 0);
}

/** Runs `task` in a task of its own, after the ones queued before. Returns a function that unqueues it. */
export function queueChartTask(task: () => void): () => void {
  queue.push(task);
  schedule();
  return () => {
    const i = queue.indexOf(task);
    if (i >= 0) queue.splice(i, 1);
  };
}

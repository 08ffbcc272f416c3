export { runPipelineBench, type PipelineBenchOptions, type PipelineBenchResult } from './pipeline.ts';
export { machine, table, writeSection } from './report.ts';

import { installNodeRed } from './node-red.ts';
await installNodeRed((l) => console.error(l));
console.error('done');

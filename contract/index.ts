export * from './settings';
export type * from './api';

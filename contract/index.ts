export * from './settings';
export type * from './api';
export * from './routes';

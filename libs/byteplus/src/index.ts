export * from './ark-types';
export * from './ark-errors';
export * from './ark-response-guards';
export * from './ark-data-client';
export * from './output-sizes';

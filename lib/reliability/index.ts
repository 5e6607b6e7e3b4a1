export * from './policy';
export * from './dedupe';
export * from './deadletters';
export * from './throttle';

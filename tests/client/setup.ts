import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';
import { TextDecoder, TextEncoder } from 'node:util';

// jsdom lacks these; react-router uses them.
if (typeof globalThis.TextEncoder === 'undefined') {
  Object.assign(globalThis, { TextEncoder, TextDecoder });
}

// findBy… waits up to 5 s instead of 1 s: a lazily loaded page can take longer on a loaded CI machine.
configure({ asyncUtilTimeout: 5000 });

// One `npm test` for everything: the server against real PostgreSQL and Redis, the client's logic
// in jsdom, and the whole app end to end in real Chromium.
const serverSide = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  globalSetup: '<rootDir>/tests/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/tests/helpers/global-teardown.ts',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
};

module.exports = {
  // Most tests compile, spawn processes or create databases: 5 s is too little on a busy 2-core machine.
  testTimeout: 30_000,
  projects: [
    { ...serverSide, displayName: 'server', testMatch: ['<rootDir>/tests/server/**/*.test.ts'] },
    {
      displayName: 'client',
      preset: 'ts-jest',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/tests/client/**/*.test.ts?(x)'],
      setupFilesAfterEnv: ['<rootDir>/tests/client/setup.ts'],
      transform: {
        '^.+\\.tsx?$': [
          'ts-jest',
          {
            tsconfig: { jsx: 'react-jsx', esModuleInterop: true, module: 'commonjs', moduleResolution: 'node', types: ['jest', 'node'] },
            diagnostics: false,
          },
        ],
      },
      moduleNameMapper: { '\\.css$': '<rootDir>/tests/client/style-stub.js' },
    },
    { ...serverSide, displayName: 'e2e', testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'], slowTestThreshold: 60 },
  ],
};

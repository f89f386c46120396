// Lint is part of `npm test`. Layering rules (VS Code style): shared imports nothing of ours
// and nothing platform-specific; renderer imports only shared; engine code never imports electron.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const restrict = (patterns, paths = []) => ({
  'no-restricted-imports': ['error', { patterns, paths }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench-results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.mjs', '*.cjs', 'bin/*.cjs', 'scripts/*.mjs', 'e2e/lab/*.mjs'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['shared/**/*.ts'],
    rules: restrict(
      [
        { group: ['node:*'], message: 'shared/ is pure TypeScript: no node built-ins.' },
        { group: ['electron', 'electron/*', 'react', 'react-dom', 'zustand'], message: 'shared/ imports nothing platform-specific.' },
        { group: ['../electron/*', '../renderer/*', '../e2e/*'], message: 'shared/ imports nothing of ours.' },
      ],
      ['fs', 'net', 'dgram', 'child_process', 'os', 'path'],
    ),
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...restrict(
        [
          { group: ['node:*'], message: 'The renderer has no node access.' },
          { group: ['electron', 'electron/*'], message: 'The renderer talks to main only through the bridge.' },
          { group: ['../electron/*', '../../electron/*', '../../../electron/*'], message: 'renderer imports shared/ only.' },
        ],
        ['fs', 'net', 'dgram', 'child_process', 'os', 'path', 'ssh2', 'raw-socket'],
      ),
      // Outside text (host names, banners, remote output) is rendered as text, never as markup.
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Render outside text as text: no dangerouslySetInnerHTML.' },
        { selector: "MemberExpression[property.name=/^(innerHTML|outerHTML)$/]", message: 'Render outside text as text: no innerHTML/outerHTML.' },
        { selector: "CallExpression[callee.property.name=/^(insertAdjacentHTML|write|writeln)$/][callee.object.name='document']", message: 'No document.write.' },
      ],
    },
  },
  {
    // Engine code: runs under plain Node (CLI, web mode, tests). Only the app shell may import electron.
    // One packet layer: only electron/net opens raw sockets (discovery, tracer, port finder send through it).
    files: ['electron/**/*.ts'],
    ignores: ['electron/app/**', 'electron/preload/**', 'electron/net/**'],
    rules: restrict(
      [{ group: ['electron', 'electron/*'], message: 'Engine code must not import electron (it runs in the CLI and web mode too).' }],
      [{ name: 'raw-socket', message: 'Raw sockets belong to electron/net: send through its RawTransport.' }],
    ),
  },
  {
    files: ['electron/net/**/*.ts'],
    rules: restrict([{ group: ['electron', 'electron/*'], message: 'Engine code must not import electron (it runs in the CLI and web mode too).' }]),
  },
  {
    // The app shell and preload: no raw sockets either (electron/app/rawSocketLazy.cjs is the bundler's
    // lazy stand-in for the module itself and is CommonJS, outside these globs).
    files: ['electron/app/**/*.ts', 'electron/preload/**/*.ts'],
    rules: restrict([], [{ name: 'raw-socket', message: 'Raw sockets belong to electron/net: send through its RawTransport.' }]),
  },
);

// ESLint for the webapp: `npm run lint` runs `tsc --noEmit` and then this, with no warnings allowed.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
    {ignores: ['dist/', 'node_modules/']},
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            eqeqeq: ['error', 'always'],
            '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true}],
        },
    },
    // The bundle: TypeScript and React in the browser, nothing printed to the console.
    {
        files: ['src/**/*.{ts,tsx}'],
        plugins: {'react-hooks': reactHooks},
        languageOptions: {globals: globals.browser},
        rules: {
            'react-hooks/rules-of-hooks': 'error',
            // useFetched(load, deps) takes its deps as useEffect does: check them the same way.
            'react-hooks/exhaustive-deps': ['error', {additionalHooks: '^useFetched$'}],
            'no-console': 'error',
        },
    },
    // Tests, their support and the build scripts: Node ESM. The code they hand to page.evaluate
    // runs in Chromium, so browser globals are known there too.
    {
        files: ['test/**/*.mjs', 'test-support/**/*.mjs', 'build.mjs', 'scripts/**/*.mjs'],
        languageOptions: {globals: {...globals.node}},
    },
    {
        files: ['test/**/*.mjs', 'test-support/**/*.mjs'],
        languageOptions: {globals: {...globals.node, ...globals.browser}},
    },
    // The faithful host's app (bundled by test-support/faithful/build.mjs) runs only in the browser.
    {
        files: ['test-support/faithful/app/**/*.{js,jsx}'],
        languageOptions: {
            globals: globals.browser,
            parserOptions: {ecmaFeatures: {jsx: true}},
        },
    },
);

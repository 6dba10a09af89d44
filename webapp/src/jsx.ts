import React from 'react';

// JSX compiles to calls of these (build.mjs injects them): one short name per element instead of
// the host global's `React.default.createElement`, about 20 bytes less at each of ~1,000 elements.
// Names no source file uses, so no local variable can shadow them.
export const jsxElement = React.createElement;
export const JsxFragment = React.Fragment;

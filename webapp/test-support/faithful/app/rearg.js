// Registry arguments as the real host takes them (webapp/channels/src/utils/func.ts `reArg`):
// positional arguments are zipped onto the method's key order; a single plain-object argument
// whose keys are all known names is taken as the arguments object. Anything else (a lone
// function, a class, an element) is positional. Written from the rule, not copied.
function isPlainObject(v) {
    if (v === null || typeof v !== 'object') {
        return false;
    }
    const proto = Object.getPrototypeOf(v);
    return proto === null || proto === Object.prototype;
}

export function reArg(keyOrder, fn) {
    return (...args) => {
        if (args.length === 1 && isPlainObject(args[0])) {
            const keys = Object.keys(args[0]);
            if (keys.every((k) => keyOrder.includes(k))) {
                return fn(args[0]);
            }
        }
        const named = {};
        keyOrder.forEach((k, i) => {
            named[k] = args[i];
        });
        return fn(named);
    };
}

/** The package version (checked against package.json by the test suite). */
export const VERSION = '0.1.0';

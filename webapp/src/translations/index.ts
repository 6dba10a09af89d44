// The plugin's translations, for the host's registry.registerTranslations: Mattermost calls it
// with the user's locale and merges the table it returns (full message ids, as messageId() in
// ../i18n.ts makes them, to ICU messages) into the messages of its IntlProvider.
//
// en.json is generated from the sources (npm run i18n:extract); the other files translate it.
// See README.md in this directory.
import en from './en.json';
import fr from './fr.json';

const TABLES: Record<string, Record<string, string>> = {en, fr};

/** The messages for a Mattermost locale ('fr', 'fr-CA', 'pt-BR', …): its language's, or English. */
export function translationsFor(locale: string): Record<string, string> {
    const language = String(locale ?? '').trim().toLowerCase().split(/[-_]/)[0];
    return Object.prototype.hasOwnProperty.call(TABLES, language) ? TABLES[language] : TABLES.en;
}

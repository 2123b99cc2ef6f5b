import type { Catalog } from './en';

export const nl: Catalog = {
  sso: {
    refusedTitle: 'Inloggen vanuit Lex is niet gelukt',
    refused: {
      expired: 'Deze inloglink is verlopen. Ga terug naar Lex en open Support opnieuw.',
      invalid: 'Deze inloglink is ongeldig. Ga terug naar Lex en open Support opnieuw.',
      replayed: 'Deze inloglink is al gebruikt. Ga terug naar Lex en open Support opnieuw.',
      conflict:
        'Je Lex-account kan niet worden gekoppeld: Lex Support heeft al een ander account met hetzelfde e-mailadres. Neem contact op met het Lex-team.',
      unavailable: 'Inloggen vanuit Lex lukt op dit moment niet. Probeer het over een minuut opnieuw.',
      off: 'Inloggen vanuit Lex is op deze server niet ingesteld.',
    },
  },
  email: {
    answer: {
      intro: '{{name}} van het Lex-team heeft je vraag beantwoord:',
      introMany: 'Het Lex-team heeft je vraag beantwoord ({{count}} nieuwe berichten):',
    },
    newTicket: { intro: '{{name}} ({{tenant}}) heeft een ticket geopend in {{category}}:' },
    customerReply: { intro: '{{name}} ({{tenant}}) heeft gereageerd:' },
    closed: {
      intro: '{{name}} van het Lex-team heeft dit ticket gesloten. Beantwoord deze e-mail om het weer te openen.',
      auto: 'Dit ticket is automatisch gesloten na {{wait}} zonder reactie. Beantwoord deze e-mail om het weer te openen.',
    },
    autoCloseReminder: {
      intro:
        'Het Lex-team heeft dit ticket beantwoord. Het wordt op {{date}} automatisch gesloten, tenzij je reageert. Is je vraag beantwoord? Dan hoef je niets te doen.',
    },
    earlier: 'Eerder in dit gesprek',
    open: 'Open het ticket',
    replyHint: 'Beantwoord deze e-mail om te reageren; je reactie verschijnt in het gesprek.',
    unsubscribe: {
      link: 'Geen e-mails meer ontvangen',
      title: 'Geen meldingen meer per e-mail?',
      question: 'Lex Support mailt {{email}} dan niet meer over tickets. Je kunt e-mails weer aanzetten in de webapp.',
      confirm: 'Stop de e-mails',
      done: 'Klaar: Lex Support mailt {{email}} niet meer.',
      unknown: 'Deze link is niet (meer) geldig.',
    },
    attachments: {
      heading: 'Bijgevoegde bestanden (deze links werken tot {{date}}):',
      unavailable: 'Bestand niet beschikbaar',
      expired: 'Deze link naar een bestand is verlopen. Open het ticket in Lex Support om het bestand te downloaden.',
      invalid: 'Deze link naar een bestand is niet geldig. Open het ticket in Lex Support om het bestand te downloaden.',
    },
    rating: {
      question: 'Hoe hebben we het gedaan? Beoordeel de hulp met één klik:',
      until: 'Deze links werken tot {{date}}.',
      scores: { score1: 'Zeer slecht', score2: 'Slecht', score3: 'Redelijk', score4: 'Goed', score5: 'Uitstekend' },
      title: 'Beoordeel de hulp die je kreeg',
      legend: 'Hoe hebben we het gedaan?',
      comment: 'Opmerking (optioneel)',
      send: 'Beoordeling versturen',
      thanks: 'Bedankt voor je beoordeling!',
      thanksBody: 'Het Lex-team ziet hem bij je ticket.',
      already: 'Je hebt dit ticket al beoordeeld. Bedankt!',
      reopened:
        'Dit ticket is weer geopend nadat deze e-mail is verstuurd, dus met deze link beoordeel je het niet meer. Zodra het weer gesloten is, kun je het in Lex Support beoordelen.',
      unavailable: 'Beoordelen niet mogelijk',
      invalid: 'Deze beoordelingslink is niet geldig.',
      expired: 'Deze beoordelingslink is verlopen.',
      errors: { score: 'Kies een score van 1 tot 5.', comment: 'Schrijf hooguit 2.000 tekens.' },
    },
    inbound: {
      filesOnly: '(Bestanden per e-mail gestuurd, zonder bericht.)',
      notAttached: {
        type: 'Niet bijgevoegd: {{name}} (dit soort bestanden wordt niet geaccepteerd).',
        size: 'Niet bijgevoegd: {{name}} (groter dan de limiet van {{limit}}).',
        count: 'Niet bijgevoegd: {{name}} (hooguit {{max}} bestanden per bericht).',
        unreadable: 'Niet bijgevoegd: {{name}} (een afbeelding die niet te lezen is).',
      },
    },
  },
};

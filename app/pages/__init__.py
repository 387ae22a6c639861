"""Pages that combine several domains (a cohort list with each cohort's progress); they sit
above the domain packages, so no domain needs to import another for a page's sake."""

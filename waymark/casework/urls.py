"""The casework pages; every name is ``casework:<name>``. Each area keeps its own list."""

from waymark.casework.assessment_urls import urlpatterns as assessment_urls
from waymark.casework.case_urls import urlpatterns as case_urls
from waymark.casework.part_urls import urlpatterns as part_urls
from waymark.casework.rights_urls import urlpatterns as rights_urls
from waymark.casework.safeguarding_urls import urlpatterns as safeguarding_urls

app_name = "casework"

urlpatterns = [*assessment_urls, *case_urls, *part_urls, *safeguarding_urls, *rights_urls]
